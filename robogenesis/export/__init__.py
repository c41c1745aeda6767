"""Dataset exporters. The LeRobot v3.0 writer lives in `lerobot_v3` (imports pyarrow and PyAV lazily)."""
