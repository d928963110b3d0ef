"""Qt widgets of the body diagram: the canvas, the editor of a visit's map, progress."""
