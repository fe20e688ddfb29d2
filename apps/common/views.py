from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from apps.common.middleware import DETAILS, error_response, is_api_path


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if is_api_path(request.path):
        return error_response(404, DETAILS[404], "not_found")
    return render(request, "errors/404.html", status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    if is_api_path(request.path):
        return error_response(500, DETAILS[500], "server_error")
    return render(request, "errors/500.html", status=500)


def server_error_page(request: HttpRequest) -> HttpResponse:
    return render(request, "errors/500.html", status=500)


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if is_api_path(request.path):
        return error_response(400, DETAILS[400], "validation_error")
    return render(request, "errors/400.html", status=400)
