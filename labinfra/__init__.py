"""Infrastructure that several packages need and none owns: atomic file writes, the seeded-job process
pool, and the names and paths of the LeRobot v3.0 dataset layout.

It sits below every other package (protocol_lang included) so that any of them may import it without an
upward or sideways edge, and it imports nothing but the standard library: it holds mechanisms, never lab
knowledge, so it can never pull a heavy dependency (numpy, mujoco, torch) into a light command.
"""
