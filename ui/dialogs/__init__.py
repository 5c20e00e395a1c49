"""Create / edit dialogs and the actions on a selection, validated field by field."""
