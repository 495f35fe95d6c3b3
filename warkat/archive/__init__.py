"""Archives: classification codes (kode klasifikasi arsip) with their retention (JRA)."""
