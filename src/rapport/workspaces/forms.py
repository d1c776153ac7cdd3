"""Forms of the sign-in pages: they parse input; the services decide and write."""

from __future__ import annotations

from django import forms


class SignInForm(forms.Form):
    email = forms.EmailField(max_length=254)
    password = forms.CharField(strip=False, widget=forms.PasswordInput)


class PasswordResetRequestForm(forms.Form):
    email = forms.EmailField(max_length=254)


class NewPasswordForm(forms.Form):
    password = forms.CharField(
        label="New password", strip=False, widget=forms.PasswordInput, min_length=1
    )


class AcceptInvitationForm(forms.Form):
    full_name = forms.CharField(label="Your name", max_length=200, required=False)
    password = forms.CharField(strip=False, widget=forms.PasswordInput)


class SetupForm(forms.Form):
    workspace_name = forms.CharField(label="Workspace name", max_length=200)
    full_name = forms.CharField(label="Your name", max_length=200)
    email = forms.EmailField(max_length=254)
    password = forms.CharField(strip=False, widget=forms.PasswordInput)


class SwitchWorkspaceForm(forms.Form):
    workspace_id = forms.IntegerField(min_value=1)
