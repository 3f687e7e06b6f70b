"""wiring rules: resources that each look fine but do not fit together (WIR*)."""
