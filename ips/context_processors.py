from ips.navigation import nav_for


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": []}
    items = nav_for(user)
    for entry in items:
        for link in entry.get("children", [entry]):
            link["current"] = request.path == link["url"]
        if entry.get("group"):
            entry["current"] = any(link["current"] for link in entry["children"])
    return {"nav_items": items}
