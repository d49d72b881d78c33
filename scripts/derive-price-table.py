#!/usr/bin/env python3
"""Derives Aegis's own price table (USD per million tokens) from a LiteLLM-format price file.

Usage: scripts/derive-price-table.py ../shared/pricing/model_prices_and_context_window.json VERSION DATE > \
         daemon/src/main/resources/dev/aegis/pricing/price-table.json

Keeps the facts Aegis bills by: input, cached input (cache read), cache write, output, tiered
prices above a prompt-size threshold, audio and one-hour cache write prices, the price of a web
search (USD per search), the prices of the service tiers that have their own
(OpenAI's priority and flex), and the model's maximum output. Prices are exact decimals.
"""
import json
import re
import sys
from decimal import Decimal


def per_million(value):
    if value is None:
        return None
    d = (Decimal(repr(value)) * Decimal(1_000_000)).normalize()
    return float(d) if d != d.to_integral() else int(d)


# Service tiers with their own prices (OpenAI's service_tier); a price a tier does not list is the
# standard one when Aegis reads the table.
SERVICE_TIERS = ("priority", "flex")
# Prices of the kinds Aegis counts apart; a model's audio and one-hour cache write prices are its
# text and five-minute ones when it lists none.
FIELDS = (("input", "input_cost_per_token"), ("cached_input", "cache_read_input_token_cost"),
          ("cache_write", "cache_creation_input_token_cost"), ("output", "output_cost_per_token"),
          ("audio_input", "input_cost_per_audio_token"), ("audio_output", "output_cost_per_audio_token"),
          ("cache_write_1h", "cache_creation_input_token_cost_above_1hr"))


def prices(e, suffix):
    """The prices of the fields with this suffix that the entry lists."""
    return {field: per_million(e[f"{key}{suffix}"]) for field, key in FIELDS if f"{key}{suffix}" in e}


def prompt_tiers(e, service_suffix):
    """Higher prices above a prompt size, of the standard prices or of a service tier's."""
    tiers = []
    for key in e:
        t = re.fullmatch(r"input_cost_per_token_above_(\d+)k_tokens" + re.escape(service_suffix), key)
        if t:
            k = t.group(1)
            tiers.append({"threshold": int(k) * 1000, **prices(e, f"_above_{k}k_tokens{service_suffix}")})
    return tiers


def main(path, version, date):
    src = json.load(open(path))
    models = {}
    for name, e in sorted(src.items()):
        if not isinstance(e, dict) or e.get("mode") not in ("chat", "responses", "completion", "embedding"):
            continue
        if "input_cost_per_token" not in e:
            continue
        m = {"provider": e.get("litellm_provider", "")}
        m["input"] = per_million(e["input_cost_per_token"])
        if "cache_read_input_token_cost" in e:
            m["cached_input"] = per_million(e["cache_read_input_token_cost"])
        if "cache_creation_input_token_cost" in e:
            m["cache_write"] = per_million(e["cache_creation_input_token_cost"])
        m["output"] = per_million(e.get("output_cost_per_token", 0))
        for field, key in FIELDS[4:]:
            if key in e:
                m[field] = per_million(e[key])
        if e.get("max_output_tokens"):
            m["max_output"] = e["max_output_tokens"]
        search = e.get("search_context_cost_per_query", {}).get("search_context_size_medium")
        if search is not None:
            m["web_search"] = float(Decimal(repr(search)))  # USD per search, not per million
        tiers = prompt_tiers(e, "")
        if tiers:
            m["tiers"] = tiers
        for service_tier in SERVICE_TIERS:
            suffix = "_" + service_tier
            if f"input_cost_per_token{suffix}" in e or f"output_cost_per_token{suffix}" in e:
                st = prices(e, suffix)
                st_tiers = prompt_tiers(e, suffix)
                if st_tiers:
                    st["tiers"] = st_tiers
                m.setdefault("service_tiers", {})[service_tier] = st
        models[name] = m
    out = {
        "version": version,
        "date": date,
        "unit": "USD per million tokens",
        "source": "derived from the LiteLLM model_prices_and_context_window.json facts (MIT) by scripts/derive-price-table.py",
        "models": models,
    }
    json.dump(out, sys.stdout, indent=1, sort_keys=False)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main(*sys.argv[1:4])
