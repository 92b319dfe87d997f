"""Vision Transformer export to the patchead encoder contract; export_hub_vit.py is the entry point."""
