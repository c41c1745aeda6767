"""openpi's websocket policy protocol, both ways: `labc serve` puts a LabVLA checkpoint behind it
(`server`), and `labc run|bench --policy openpi` evaluates any server that speaks it (`client`).

The wire format is openpi's: on connect the server sends a metadata dict; each request is an observation
dict and each answer a dict whose `actions` is a (horizon, action_dim) array, all msgpack frames with
numpy arrays packed by `openpi_client.msgpack_numpy`; a server that fails answers with a text frame
(openpi-client raises it) and closes the connection. The observation keys are the LeRobot dataset's
(`observation.images.<camera>` uint8 HxWx3, `observation.state` float32) with the instruction under
openpi's name, `prompt`, and the robot profile under `robot`. See `labc.openpi.protocol`.
"""
