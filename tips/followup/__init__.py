"""Follow-up: the anonymous two-way conversation between a tipster and the desk.

* **Keys.** A question is sealed twice: to the tipster's public key derived from the receipt
  (``Tip.receipt_public_key``; only the receipt re-derives the private half, so the server
  cannot read it back) and to the desk key plus the recovery key (the case record). An answer
  is sealed to the desk key and the recovery key, like the tip, and to the receipt key (the
  tipster's own copy, which they may delete).
* **Citizen session** (:mod:`tips.followup.session`): after a correct receipt, the derived
  private key is AES-256-GCM-encrypted under a fresh random key and kept in the shared cache
  (idle 10 minutes, absolute 1 hour); the random key and the entry id live only in an
  HttpOnly, SameSite=Strict cookie. Neither the cache nor the cookie alone opens anything;
  "Leave", idle expiry and deleting the conversation end it. The receipt itself is never
  stored.
* **Receipt attempts** (:mod:`tips.followup.ratelimit`): limited per source (the intake's
  daily-rotating HMAC of the address) and globally; a wrong receipt costs the same Argon2id
  work and gets the same page as any other wrong receipt.
"""
