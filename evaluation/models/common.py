"""Field options shared by the evaluation models."""

FLOW_CHOICES = [("general", "七步法(一般流程)"), ("simple", "三步法(简易流程)")]
POINTS = {"max_digits": 7, "decimal_places": 2}
