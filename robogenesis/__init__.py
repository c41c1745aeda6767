"""RoboGenesis: the data engine that synthesizes validated demonstrations and exports them as datasets."""
