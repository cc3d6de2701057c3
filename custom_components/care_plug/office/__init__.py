"""The welfare-office link over MQTT: the household's side (box) and the office's side."""
