from django.apps import AppConfig


class FidelityConfig(AppConfig):
    name = "fidelity"

    def ready(self) -> None:
        from fidelity.selectors import sampled_participant_ids_for_auditor
        from ips.access import grant_participant_reads

        # Auditors read the records drawn into their review's chart-review sample.
        grant_participant_reads(sampled_participant_ids_for_auditor)
