from __future__ import annotations

from django.urls import include, path

from qiaomen.web.audit import views as audit
from qiaomen.web.auth import views as auth
from qiaomen.web.home import views as home
from qiaomen.web.places import views as places
from qiaomen.web.registry import views as registry

app_name = "web"
urlpatterns = [
    path("", home.home, name="home"),
    path("login/", auth.login_view, name="login"),
    path("logout/", auth.logout_view, name="logout"),
    path("registry/", registry.registry_search, name="registry_search"),
    path("registry/households/<int:pk>/", registry.household_detail, name="household_detail"),
    path("registry/persons/<int:pk>/", registry.person_detail, name="person_detail"),
    path("registry/persons/<int:pk>/unmask/", registry.person_unmask_view, name="person_unmask"),
    path("places/", places.place_tree, name="place_tree"),
    path("places/grids/<int:pk>/", places.grid_detail, name="grid_detail"),
    path("audit/", audit.audit_log, name="audit_log"),
    path("audit/chain/", audit.audit_chain, name="audit_chain"),
    path("imports/", include("qiaomen.web.imports.urls")),
    path("visits/", include("qiaomen.web.visits.urls")),
    path("tickets/", include("qiaomen.web.tickets.urls")),
    path("doorcodes/", include("qiaomen.web.doorcodes.urls")),
]
