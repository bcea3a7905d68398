from django.contrib.auth.middleware import LoginRequiredMiddleware


class PagesRequireLogin(LoginRequiredMiddleware):
    """Every page asks for sign-in; the API authenticates on its own and answers 401 in JSON."""

    def process_view(self, request, view_func, view_args, view_kwargs):
        if request.path_info.startswith("/api/"):
            return None
        return super().process_view(request, view_func, view_args, view_kwargs)
