from django.apps import AppConfig


class OcrConfig(AppConfig):
    name = "warkat.ocr"
    label = "ocr"

    def ready(self) -> None:
        from django.db.models.signals import post_save

        from warkat.dispositions.models import FollowUpFile
        from warkat.letters.models import LetterFile
        from warkat.ocr.receivers import followup_file_saved, letter_file_saved

        post_save.connect(
            letter_file_saved, sender=LetterFile, dispatch_uid="ocr.letter_file"
        )
        post_save.connect(
            followup_file_saved, sender=FollowUpFile, dispatch_uid="ocr.followup_file"
        )
