"""WTForms forms through Flask-WTF: validation, CSRF token and error messages in one place."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import StringField, SubmitField
from wtforms.validators import DataRequired, Length

MAX_NAME_LENGTH = 100


class GreetForm(FlaskForm):
    name = StringField(
        "Your name",
        filters=[lambda value: value.strip() if isinstance(value, str) else value],
        validators=[
            DataRequired(message="Please enter your name."),
            Length(max=MAX_NAME_LENGTH, message=f"At most {MAX_NAME_LENGTH} characters, please."),
        ],
    )
    submit = SubmitField("Greet me")
