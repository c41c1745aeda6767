"""Reading LeRobot v3.0 datasets and turning their frames into LabVLA training samples."""
