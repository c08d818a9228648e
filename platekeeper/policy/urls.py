from django.urls import path

from platekeeper.policy import views

urlpatterns = [
    path("policy", views.policy_page, name="policy"),
    path("policy/v<int:number>", views.policy_version, name="policy-version"),
    path("transparency", views.transparency_page, name="transparency"),
    path("transparency.json", views.transparency_json, name="transparency-json"),
    path("transparency.csv", views.transparency_csv, name="transparency-csv"),
    path(
        "transparency/report-<int:year>.pdf",
        views.council_report,
        name="transparency-council-report",
    ),
]
