"""Browser pages for office staff: users, roles, and machine clients' API tokens."""

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.paginator import Paginator
from django.db.models import Exists, OuterRef
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST
from rest_framework.authtoken.models import Token

from config.pages import page_errors
from org import selectors, services
from org.models import Role
from org.permissions import office_required
from responsibilities.forms import (
    PasswordResetForm,
    TokenIssueForm,
    UserCreateForm,
    UserEditForm,
)
from responsibilities.views.lists import PAGE_SIZE

User = get_user_model()


_NEW_TOKEN_KEY = "responsibilities_new_token"


@office_required
def user_list_page(request):
    users = selectors.user_list(filters=request.GET, strict=False, user=request.user)
    page = Paginator(users, PAGE_SIZE).get_page(request.GET.get("page"))
    clients = (
        selectors.users_of_office(request.user)
        .filter(membership__role=Role.API_CLIENT)
        .annotate(has_token=Exists(Token.objects.filter(user_id=OuterRef("pk"))))
        .order_by("username")
    )
    querystring = request.GET.copy()
    querystring.pop("page", None)
    return render(
        request,
        "responsibilities/users.html",
        {
            "page": page,
            "clients": clients,
            "create_form": UserCreateForm(user=request.user),
            "token_form": TokenIssueForm(),
            "new_token": request.session.pop(_NEW_TOKEN_KEY, None),
            "roles": [c for c in Role.choices if c[0] != Role.API_CLIENT],
            "filters": request.GET,
            "querystring": querystring.urlencode(),
        },
    )


@office_required
def user_create_page(request):
    form = UserCreateForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        with page_errors(request, form=form):
            user = services.user_create(
                username=data["username"],
                password=data["password"],
                role=data["role"],
                department=data["department"],
                full_name=data["full_name"],
                email=data["email"],
                phone=data["phone"],
            )
            messages.success(request, f"已创建用户 {user.username}。")
            return redirect("responsibilities:users")
    return render(request, "responsibilities/user_form.html", {"form": form})


@office_required
def user_edit_page(request, pk):
    user = get_object_or_404(
        selectors.users_of_office(request.user)
        .select_related("membership__department")
        .exclude(membership__role=Role.API_CLIENT),
        pk=pk,
    )
    membership = getattr(user, "membership", None)
    initial = {
        "full_name": user.first_name,
        "email": user.email,
        "is_active": user.is_active,
        "role": membership.role if membership else "",
        "department": membership.department_id if membership else None,
        "phone": membership.phone if membership else "",
    }
    form = UserEditForm(
        request.POST if request.POST.get("action") == "edit" else None,
        initial=initial,
        user=request.user,
    )
    password_form = PasswordResetForm(
        request.POST if request.POST.get("action") == "password" else None
    )
    action = request.POST.get("action")
    if action == "edit" and form.is_valid():
        data = form.cleaned_data
        with page_errors(request, form=form):
            services.user_update(
                user=user,
                role=data["role"],
                department=data["department"],
                full_name=data["full_name"],
                email=data["email"],
                phone=data["phone"],
                is_active=data["is_active"],
                actor=request.user,
            )
            messages.success(request, "已保存。")
            return redirect("responsibilities:users")
    if action == "password" and password_form.is_valid():
        with page_errors(request, form=password_form):
            services.user_set_password(
                user=user, password=password_form.cleaned_data["password"]
            )
            messages.success(request, f"已重置 {user.username} 的密码。")
            return redirect("responsibilities:users")
    return render(
        request,
        "responsibilities/user_edit.html",
        {"form": form, "password_form": password_form, "target": user},
    )


@office_required
@require_POST
def user_deactivate_page(request, pk):
    user = get_object_or_404(selectors.users_of_office(request.user), pk=pk)
    with page_errors(request):
        services.user_deactivate(user=user, actor=request.user)
        messages.success(request, f"已停用 {user.username}。")
    return redirect("responsibilities:users")


@office_required
@require_POST
def token_issue_page(request):
    form = TokenIssueForm(request.POST)
    if form.is_valid():
        with page_errors(request):
            key = services.api_token_issue(
                client_name=form.cleaned_data["client_name"],
                department=selectors.department_of(request.user),
            )
            request.session[_NEW_TOKEN_KEY] = {
                "client": services.api_client_username(
                    form.cleaned_data["client_name"]
                ),
                "key": key,
            }
    else:
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
    return redirect("responsibilities:users")


@office_required
@require_POST
def token_revoke_page(request, pk):
    client = get_object_or_404(
        selectors.users_of_office(request.user),
        pk=pk,
        membership__role=Role.API_CLIENT,
    )
    if services.api_token_revoke(user=client):
        messages.success(request, f"已吊销 {client.username} 的令牌。")
    else:
        messages.info(request, f"{client.username} 没有有效令牌。")
    return redirect("responsibilities:users")
