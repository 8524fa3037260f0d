"""Change history for case data: database triggers (django-pghistory) write a `<Model>History`
row for every insert and update, so no code path can skip it. `record.history` lists them."""

import pghistory


def track_history(model):
    return pghistory.track(
        model_name=f"{model.__name__}History",
        obj_field=pghistory.ObjForeignKey(related_name="history"),
    )(model)
