"""The body diagram: hand and foot views, marks per visit, and the numbers drawn from them."""
