"""The sales dashboard and its charts."""

from django.urls import path

from rapport.dashboards import views

urlpatterns = [
    path("dashboards/sales", views.sales_page, name="sales-dashboard"),
    path("dashboards/sales/charts/<slug:name>.svg", views.sales_chart, name="sales-chart"),
]
