from __future__ import annotations

from django.urls import path

from zhengfa.courts.views import cases, filing, oversight, public

app_name = "courts"

urlpatterns = [
    path("filings/", filing.filing_list, name="filings"),
    path("filings/new/", filing.filing_new, name="filing_new"),
    path("filings/<int:pk>/", filing.filing_page, name="filing"),
    *(
        path(
            f"filings/<int:pk>/{decision}/",
            filing.filing_decide,
            {"decision": decision},
            name=f"filing_{decision}",
        )
        for decision in ("accept", "reject", "material")
    ),
    path("filings/<int:pk>/supply/", filing.filing_supply, name="filing_supply"),
    path("appeals/", filing.appeals_inbox, name="appeals"),
    path("appeals/<int:pk>/receive/", filing.appeal_receive, name="appeal_receive"),
    path("cases/", cases.case_list, name="cases"),
    path("cases/<int:pk>/", cases.case_page, name="case"),
    path("cases/<int:pk>/assign/", cases.case_assign, name="case_assign"),
    path("cases/<int:pk>/hearings/", cases.hearing_new, name="hearing_new"),
    path("cases/<int:pk>/hearings/<int:hearing_id>/held/", cases.hearing_held, name="held"),
    path("cases/<int:pk>/limit/", cases.limit_request, name="limit_request"),
    path("cases/<int:pk>/dossier/", cases.dossier_upload, name="dossier_upload"),
    path("cases/<int:pk>/dossier.zip", cases.dossier_download, name="dossier_zip"),
    path("cases/<int:pk>/steps/<str:name>/", cases.case_step, name="case_step"),
    path("approvals/", oversight.approvals, name="approvals"),
    path("approvals/<int:pk>/decide/", oversight.approval_decide, name="approval_decide"),
    path("supervision/", oversight.supervision, name="supervision"),
    path("objections/<int:pk>/answer/", oversight.objection_answer, name="objection_answer"),
    path("listings/", oversight.listings, name="listings"),
    path("listings/<int:pk>/remove/", oversight.listing_remove, name="listing_remove"),
    path("public/progress/", public.progress, name="progress"),
    path("public/progress/objection/", public.object_to_limit, name="objection"),
    path("public/hearings/", public.calendar, name="calendar"),
    path("public/hearings/<int:pk>/reserve/", public.reserve, name="reserve"),
]
