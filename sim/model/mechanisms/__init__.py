"""The steps the article describes, as small functions of the state: escalation, sanctions,
cooperation, domestic politics. Each docstring names its article lines and its literature."""
