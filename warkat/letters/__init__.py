"""Letters (naskah dinas): incoming registration, agenda, attachments, delivery."""
