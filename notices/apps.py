from django.apps import AppConfig


class NoticesConfig(AppConfig):
    name = "notices"
    verbose_name = "三单一表"

    def ready(self):
        from workflows import signals as workflow_signals

        workflow_signals.receipt_confirmed.connect(
            _on_receipt_confirmed, dispatch_uid="notices_receipt_confirmed"
        )


def _on_receipt_confirmed(sender, *, receipt_id, actor_id=None, **kwargs):
    from notices.services.answers import notification_confirm_for_receipt

    notification_confirm_for_receipt(receipt_id=receipt_id, actor_id=actor_id)
