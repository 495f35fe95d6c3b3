"""What the audit pages call an event, its object and the actor's capacity.

The log stores stable codes (``letter.register``, ``letters.letter``, ``plh``): they
are part of each event's hash and read by machines. People read these names instead.
A code recorded before its name was added is shown as it is.
"""

from __future__ import annotations

from django.apps import apps
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

ACTION_LABELS = {
    # Sign-in and accounts
    "auth.login": _("Signed in"),
    "auth.logout": _("Signed out"),
    "auth.login_failed": _("Sign-in failed"),
    "auth.lockout": _("Account locked after failed sign-ins"),
    "auth.password_change": _("Password changed"),
    "mfa.authenticator_add": _("Authenticator app set up"),
    "mfa.authenticator_remove": _("Authenticator app removed"),
    "mfa.authenticator_reset": _("Authenticator app reset by an administrator"),
    "mfa.code_rejected": _("Two-factor code rejected"),
    "user.create": _("User created"),
    "user.roles_set": _("User roles changed"),
    "user.activate": _("User activated"),
    "user.deactivate": _("User deactivated"),
    "user.unlock": _("User unlocked"),
    "user.password_reset": _("User password reset"),
    "token.create": _("API token created"),
    "token.revoke": _("API token revoked"),
    "service_account.create": _("Service account created"),
    "service_account.update": _("Service account changed"),
    "service_account.disable": _("Service account disabled"),
    "service_account.token_create": _("Service account token created"),
    "service_account.token_rotate": _("Service account token rotated"),
    "service_account.token_revoke": _("Service account token revoked"),
    "tenant.create": _("Regional government created"),
    "tenant.import": _("Regional government imported from another installation"),
    # Organisation
    "unit.create": _("Unit created"),
    "unit.move": _("Unit moved"),
    "unit.deactivate": _("Unit deactivated"),
    "position.create": _("Position created"),
    "position.update": _("Position changed"),
    "person.create": _("Employee added"),
    "person.update": _("Employee data changed"),
    "assignment.create": _("Appointed to a position"),
    "assignment.end": _("Appointment ended"),
    # Incoming letters
    "letter.register": _("Letter registered"),
    "letter.receive_internal": _("Letter received inside Warkat"),
    "letter.file_add": _("File added to a letter"),
    "ocr.retry": _("Text recognition of a file started again"),
    "letter.correct": _("Letter registration corrected"),
    "letter.return": _("Letter returned to the records clerk (TU)"),
    "letter.done": _("Letter settled without a disposition"),
    "letter.declassify": _("Letter security level lowered"),
    # Dispositions
    "disposition.create": _("Disposition sent"),
    "disposition.read": _("Disposition read"),
    "disposition.redispose": _("Disposed further"),
    "disposition.follow_up": _("Follow-up reported"),
    "disposition.decline": _("Disposition declined"),
    "disposition.close": _("Disposition closed"),
    "disposition.return": _("Disposition sent back"),
    "disposition.cancel": _("Disposition cancelled"),
    "disposition.escalate": _("Overdue disposition escalated"),
    "disposition_settings.update": _("Disposition settings changed"),
    "instruction.set": _("Disposition instructions changed"),
    "instruction.behaviour_set": _("Instruction behaviour changed"),
    "holiday.add": _("Regional holiday added"),
    "holiday.remove": _("Regional holiday removed"),
    # Outgoing letters
    "drafting.create": _("Draft created"),
    "drafting.update": _("Draft edited"),
    "drafting.review_edit": _("Draft edited by a reviewer"),
    "drafting.chain_set": _("Review chain set"),
    "drafting.submit": _("Draft submitted for review"),
    "drafting.approve": _("Draft initialled (paraf)"),
    "drafting.return": _("Draft returned for revision"),
    "drafting.sign": _("Letter signed"),
    "drafting.sign_batch": _("Several letters signed in one action (batch)"),
    "drafting.sent": _("Letter sent"),
    "drafting.delivery": _("Letter delivered"),
    "drafting.delivery_retry": _("Delivery retried"),
    "drafting.number_reserve": _("Letter number reserved"),
    "drafting.number_void": _("Letter number voided"),
    # Attendance (e-absen)
    "attendance.settings_changed": _("Attendance rules changed"),
    "attendance.schedule_created": _("Working schedule added"),
    "attendance.shift_created": _("Shift added"),
    "attendance.roster_imported": _("Shift roster imported"),
    "attendance.location_created": _("Work location added"),
    "attendance.location_deactivated": _("Work location deactivated"),
    "attendance.place_assigned": _("Extra work place assigned"),
    "attendance.checkin_accepted": _("Flagged check-in accepted"),
    "attendance.checkin_rejected": _("Flagged check-in rejected"),
    "attendance.request_submitted": _("Leave or permission requested"),
    "attendance.request_approved": _("Leave or permission approved"),
    "attendance.request_refused": _("Leave or permission refused"),
    "attendance.request_cancelled": _("Leave or permission request withdrawn"),
    "attendance.bulk_correction": _("Attendance corrected in bulk after an outage"),
    # Command centre and public data
    "dashboard.adoption_read": _("Adoption figures of hosted Pemda read"),
    "dashboard.assessment_set": _("Performance assessment recorded"),
    "datarequest.create": _("Data request sent"),
    "datarequest.submit": _("Data submitted"),
    "datarequest.accept": _("Data accepted and published"),
    "datarequest.return": _("Data sent back for correction"),
    "datarequest.remind": _("Data request deadline reminded"),
    "datarequest.escalate": _("Overdue data request escalated"),
    "dataset.unpublish": _("Dataset withdrawn from the portal"),
    "drafting.number_take": _("Letter number taken for signing"),
    "drafting.number_give_back": _("Letter number given back (signing failed)"),
    "drafting.number_format_save": _("Numbering format changed"),
    "drafting.number_format_reset": _("Numbering format reset"),
    "drafting.naskah_type_save": _("Naskah type changed"),
    "drafting.kop_save": _("Letterhead (kop) changed"),
    # Signing
    "signing.ca_created": _("Signing certificate authority created"),
    "signing.key_requested": _("Signing key requested"),
    "signing.certificate_issued": _("Signing certificate issued"),
    "signing.certificate_renewed": _("Signing certificate renewed"),
    "signing.certificate_revoked": _("Signing certificate revoked"),
    "signing.certificate_locked": _("Signing certificate locked"),
    "signing.certificate_unlocked": _("Signing certificate unlocked"),
    "signing.passphrase_wrong": _("Wrong signing passphrase"),
    "signing.document_signed": _("Document signed electronically"),
    "signing.settings_updated": _("Signing settings changed"),
    "signing.bsre_account_set": _("BSrE account set"),
    # Archives (retention and disposal)
    "archive.settings_updated": _("Archive settings changed"),
    "archive.hold_placed": _("Legal hold placed on a letter"),
    "archive.hold_released": _("Legal hold released"),
    "archive.batch_proposed": _(
        "Archive list proposed (transfer, destruction or handover)"
    ),
    "archive.batch_appraised": _("Archive list appraised by the committee"),
    "archive.batch_approved": _("Archive list approved"),
    "archive.batch_cancelled": _("Archive list withdrawn"),
    "archive.berita_acara_signed": _("Berita acara signed by one signer"),
    "archive.batch_signed": _("Berita acara fully signed"),
    "archive.destruction_started": _("Destruction of archive files started"),
    "archive.files_destroyed": _("Archive files destroyed"),
    "archive.handover_packaged": _("Handover package to the regional archive built"),
    "archive.package_downloaded": _("Handover package downloaded"),
    # Single sign-on for the SKPD apps
    "sso.client_create": _("SSO client app registered"),
    "sso.client_update": _("SSO client app changed"),
    "sso.client_disable": _("SSO client app disabled"),
    "sso.client_enable": _("SSO client app enabled"),
    "sso.client_secret_rotate": _("SSO client secret replaced"),
    "sso.consent": _("Access granted to an SSO client app"),
    "sso.sign_in": _("Signed in to an SKPD app through Warkat"),
    "sso.code_replay": _("Reused SSO authorization code: its tokens revoked"),
    # Outgoing webhooks
    "webhook.create": _("Webhook subscription created"),
    "webhook.update": _("Webhook subscription changed"),
    "webhook.disable": _("Webhook subscription disabled"),
    "webhook.enable": _("Webhook subscription enabled"),
    "webhook.auto_disable": _("Webhook subscription disabled automatically"),
    "webhook.rotate": _("Webhook secret rotated"),
    "webhook.replay": _("Webhook delivery replayed"),
    "webhook.settings": _("Webhook internal hosts changed"),
    # Letters from outside (mail-in, exchange packages)
    "intake.mailbox_connect": _("Unit mailbox connected or changed"),
    "intake.mail_receive": _("E-mail received into the mail-in queue"),
    "intake.mail_refuse": _("E-mail refused by mail-in"),
    "intake.item_register": _("Letter from outside registered"),
    "intake.item_discard": _("Letter from outside discarded"),
    "intake.package_export": _("Exchange package exported"),
    "intake.package_import": _("Exchange package imported"),
    "intake.package_refuse": _("Exchange package refused"),
}

#: Capacities as stored by services (assignment kinds) and as printed (Plt., a.n.).
CAPACITY_LABELS = {
    "definitif": _("Definitive"),
    "plt": "Plt.",
    "plh": "Plh.",
}


def action_label(code: str) -> str:
    return str(ACTION_LABELS.get(code, code))


def capacity_label(code: str) -> str:
    return str(CAPACITY_LABELS.get(code, code))


def object_type_label(code: str) -> str:
    """``letters.letter`` → the model's name in the reader's language."""
    try:
        model = apps.get_model(code)
    except (LookupError, ValueError):
        return code
    return str(capfirst(model._meta.verbose_name))
