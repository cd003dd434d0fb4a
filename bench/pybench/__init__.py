"""Helpers of bench/run: corpus generation, receivers, process statistics, the report."""
