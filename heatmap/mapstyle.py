"""How the map looks: colour scales, the legend, the opening view, and the pydeck layers.

Nothing here queries: it turns frames from :mod:`heatmap.mapdata` into a ``pydeck.Deck``. The
base map is the district outlines drawn as a layer, so nothing is fetched from the internet:
``map_provider=None`` without a ``map_style`` leaves pydeck's ``"__MAP_STYLE__"`` sentinel,
which Streamlit reads as "no base map" (``map_style=None`` would make it fetch CARTO's style).
An online base map is drawn only when ``HEATMAP_BASEMAP_STYLE`` names a style URL.

Every pickable object carries a ``tip`` (its tooltip text) and the id the drill-down needs:
``h3`` for a cell, ``district`` for a district, ``cluster_id`` for an alert outline.
"""

from __future__ import annotations

import json
import math
import os
from typing import Any

import numpy as np
import pandas as pd
import pydeck as pdk
from pydeck.bindings.json_tools import default_serialize
from pydeck.types import String

from heatmap.alertpanel import place
from heatmap.alerts import alert_geometry
from heatmap.i18n import text

BASEMAP_ENV = "HEATMAP_BASEMAP_STYLE"
# ColorBrewer YlOrRd: pale yellow (few, normal) to deep red (many, abnormal).
RAMP = np.array(
    [[255, 255, 178], [254, 217, 118], [254, 178, 76], [253, 141, 60], [240, 59, 32], [189, 0, 38]],
    dtype=np.float64,
)
SCORE_CAP = 50.0  # "a score over 50 is unmistakable" (README): the top of the score scale
ALPHA_FLAGGED, ALPHA_NORMAL = 235, 150
BASE_FILL = [28, 34, 46, 255]
BASE_LINE = [120, 132, 156, 255]
OUTLINE = {"hotspot": [0, 229, 255], "data_quality": [255, 92, 255]}
FOCUS_LINE = [255, 255, 255]
VIEW_MARGIN = 0.5  # zoom levels out from a tight fit: the busiest area sits in the middle half
TILE_SIZE = 512  # deck.gl's web-mercator world is 512 px wide at zoom 0
BEIJING = {"latitude": 39.93, "longitude": 116.40, "zoom": 9.5}


def ramp_position(values: np.ndarray, by: str, top: float) -> np.ndarray:
    """Where each value sits on the colour ramp, 0–1.

    Counts use a square-root scale up to ``top`` (a few busy cells would otherwise leave every
    other cell pale); scores a linear scale capped at 50.

    >>> ramp_position(np.array([0, 25, 100]), "n", 100).tolist()
    [0.0, 0.5, 1.0]
    >>> ramp_position(np.array([10.0, 80.0]), "score", 0).tolist()
    [0.2, 1.0]
    """
    values = np.asarray(values, dtype=np.float64)
    if by == "score":
        return np.clip(values / SCORE_CAP, 0, 1)
    top = max(float(top), 1.0)
    return np.sqrt(np.clip(values / top, 0, 1))


def ramp_colours(position: np.ndarray) -> np.ndarray:
    """RGB (0–255 integers) at each ramp position, interpolated between the ramp's stops."""
    scaled = np.clip(np.asarray(position, dtype=np.float64), 0, 1) * (len(RAMP) - 1)
    low = np.floor(scaled).astype(int).clip(0, len(RAMP) - 2)
    frac = (scaled - low)[:, None]
    return np.rint(RAMP[low] * (1 - frac) + RAMP[low + 1] * frac).astype(int)


def colour_cells(frame: pd.DataFrame, by: str, top: float | None = None) -> pd.DataFrame:
    """Add an RGBA ``colour`` list per row by count (``n``) or ``score``; flagged rows opaque.

    ``top`` fixes the top of the count scale (playback keeps one scale for all its frames);
    by default it is the largest count in ``frame``.

    >>> out = colour_cells(pd.DataFrame({"n": [1, 16], "score": [0.0, 60.0],
    ...                                  "flagged": [False, True]}), "n")
    >>> out.colour.tolist()
    [[254, 207, 108, 150], [189, 0, 38, 235]]
    """
    out = frame.copy()
    values = out[by].to_numpy(dtype=np.float64)
    if top is None:
        top = float(values.max()) if len(values) else 1.0
    rgb = ramp_colours(ramp_position(values, by, top))
    alpha = np.where(out["flagged"].to_numpy(dtype=bool), ALPHA_FLAGGED, ALPHA_NORMAL)
    out["colour"] = np.column_stack([rgb, alpha]).tolist()
    return out


def legend_stops(by: str, top: float) -> list[tuple[float, str]]:
    """(ramp position, label) pairs for the legend's tick marks.

    >>> legend_stops("n", 100)
    [(0.0, '0'), (0.5, '25'), (1.0, '100')]
    >>> legend_stops("score", 0)[-1]
    (1.0, '50+')
    """
    if by == "score":
        return [(0.0, "0"), (0.2, "10"), (0.5, "25"), (1.0, "50+")]
    top = max(int(math.ceil(top)), 1)
    mid = round(top / 4)
    return [(0.0, "0"), (math.sqrt(mid / top), str(mid)), (1.0, str(top))]


def legend_html(by: str, top: float, language: str) -> str:
    """The map legend: the colour ramp with its ticks, and the line styles, as HTML."""
    stops = ", ".join(
        f"rgb({r},{g},{b}) {100 * i / (len(RAMP) - 1):.0f}%"
        for i, (r, g, b) in enumerate(RAMP.astype(int))
    )
    ticks = "".join(
        f'<span style="position:absolute;left:{100 * pos:.0f}%;transform:translateX(-50%)">'
        f"{label}</span>"
        for pos, label in legend_stops(by, top)
    )
    title = text(language, "legend_count" if by == "n" else "legend_score")

    def swatch(colour: list[int], key: str, width: int = 2, fill: str = "transparent") -> str:
        r, g, b = colour[:3]
        return (
            f'<span style="display:inline-flex;align-items:center;margin-right:14px">'
            f'<span style="display:inline-block;width:18px;height:12px;margin-right:5px;'
            f'border:{width}px solid rgb({r},{g},{b});background:{fill}"></span>'
            f"{text(language, key)}</span>"
        )

    flagged = ramp_colours(np.array([0.85]))[0]
    lines = (
        swatch([0, 0, 0], "legend_flagged", 0, "rgb({},{},{})".format(*flagged))
        + swatch(OUTLINE["hotspot"], "legend_outline")
        + swatch(FOCUS_LINE, "legend_focus", 3)
        + swatch(BASE_LINE, "legend_district", 1, "rgb(28,34,46)")
    )
    return (
        '<div class="heatmap-legend" style="font-size:0.8rem;line-height:1.4">'
        f"<div>{title}</div>"
        f'<div style="height:10px;border-radius:2px;background:linear-gradient(to right, {stops})">'
        "</div>"
        f'<div style="position:relative;height:1.2em;margin:0 6px">{ticks}</div>'
        f'<div style="margin-top:4px">{lines}</div></div>'
    )


def view_for_extent(
    extent: dict[str, float] | None, width: int = 900, height: int = 640
) -> dict[str, float]:
    """The opening view around ``extent`` (south, north, west, east) in a map of that size.

    Rounded (centre to 0.05°, zoom to a quarter step) so that a new publication with a few more
    cells keeps the same view, and the operator's pan and zoom with it.

    >>> view_for_extent({"south": 39.7, "north": 40.1, "west": 116.1, "east": 116.7})
    {'latitude': 39.9, 'longitude': 116.4, 'zoom': 9.25}
    """
    if not extent:
        return dict(BEIJING)

    def mercator_y(lat: float) -> float:
        return math.log(math.tan(math.pi / 4 + math.radians(lat) / 2))

    lon_span = max(extent["east"] - extent["west"], 0.01)
    y_span = max(mercator_y(extent["north"]) - mercator_y(extent["south"]), 0.0002)
    zoom_x = math.log2(width / TILE_SIZE * 360 / lon_span)
    zoom_y = math.log2(height / TILE_SIZE * 2 * math.pi / y_span)
    zoom = math.floor(4 * (min(zoom_x, zoom_y) - VIEW_MARGIN)) / 4
    return {
        "latitude": round(20 * (extent["south"] + extent["north"]) / 2) / 20,
        "longitude": round(20 * (extent["west"] + extent["east"]) / 2) / 20,
        "zoom": min(max(zoom, 7.0), 14.0),
    }


def cell_tips(cells: pd.DataFrame, language: str) -> pd.Series:
    """Tooltip text per cell: id, complaints, score and district."""
    column = "district_en" if language == "en" and "district_en" in cells else "district"
    district = cells[column].fillna("–") if column in cells else ""
    return (
        cells["h3"]
        + "\n"
        + cells["n"].astype(str)
        + " "
        + text(language, "complaints")
        + " · "
        + text(language, "score")
        + " "
        + cells["score"].map("{:.1f}".format)
        + "\n"
        + district
    )


def cell_records(
    cells: pd.DataFrame, colour_by: str, language: str, top: float | None = None
) -> list[dict[str, Any]]:
    """The rows of the cell layer, as deck.gl receives them: ``h3, n, score, colour, tip``."""
    if cells.empty:
        return []
    coloured = colour_cells(cells, colour_by, top)
    columns = {
        "h3": coloured["h3"].tolist(),
        "n": coloured["n"].astype(int).tolist(),
        "score": coloured["score"].astype(float).round(1).tolist(),
        "colour": coloured["colour"].tolist(),
        "tip": cell_tips(coloured, language).tolist(),
    }
    # a comprehension over plain lists: DataFrame.to_dict("records") takes 5× as long at 50,000
    return [dict(zip(columns, row, strict=True)) for row in zip(*columns.values(), strict=True)]


def district_features(
    geojson: dict[str, Any], values: pd.DataFrame, colour_by: str, language: str
) -> dict[str, Any]:
    """District polygons filled by their complaints (the district resolution of the map)."""
    by_name = values.set_index("district")
    coloured = colour_cells(values, colour_by).set_index("district") if len(values) else by_name
    features = []
    for feature in geojson["features"]:
        name = feature["properties"]["name"]
        shown = feature["properties"]["name_en"] if language == "en" else name
        if name in by_name.index:
            row = by_name.loc[name]
            colour = coloured.loc[name, "colour"]
            n, score = int(row["n"]), float(row["score"])
        else:
            colour, n, score = [*RAMP[0].astype(int).tolist(), 60], 0, 0.0
        tip = f"{shown}\n{n} {text(language, 'complaints')} · {text(language, 'score')} {score:.1f}"
        properties = {"district": name, "n": n, "score": score, "colour": colour, "tip": tip}
        features.append(
            {"type": "Feature", "geometry": feature["geometry"], "properties": properties}
        )
    return {"type": "FeatureCollection", "features": features}


def alert_features(alerts: pd.DataFrame, focus: set[str], language: str) -> dict[str, Any]:
    """Outlines of alerts that are places (hotspots, pile-ups), brighter when in ``focus``."""
    label_column = "label_zh" if language == "zh" else "label"
    features = []
    for alert in alerts.to_dict("records"):
        if alert["kind"] == "surge" or not len(alert["cells"]):
            continue
        geometry = alert_geometry({"cells": list(alert["cells"])})
        focused = alert["cluster_id"] in focus
        colour = FOCUS_LINE if focused else OUTLINE.get(alert["kind"], OUTLINE["hotspot"])
        tip = (
            f"{alert[label_column]}\n{int(alert['observed'])} / {float(alert['expected']):.1f} "
            f"({text(language, 'observed_vs_expected')}) · {text(language, 'score')} "
            f"{float(alert['score']):.1f}\n{place(alert, language)}"
        )
        features.append(
            {
                "type": "Feature",
                "geometry": geometry,
                "properties": {
                    "cluster_id": alert["cluster_id"],
                    "line": [*colour, 255],
                    "fill": [*colour, 40 if focused else 18],
                    "width": 4 if focused else 2,
                    "tip": tip,
                },
            }
        )
    return {"type": "FeatureCollection", "features": features}


def district_labels(geojson: dict[str, Any], language: str) -> list[dict[str, Any]]:
    """A label point per district (a point inside its polygon), for the names on the base map."""
    import shapely.geometry

    labels = []
    for feature in geojson["features"]:
        point = shapely.geometry.shape(feature["geometry"]).representative_point()
        name = feature["properties"]["name_en" if language == "en" else "name"]
        labels.append({"name": name, "position": [round(point.x, 4), round(point.y, 4)]})
    return labels


def online_basemap() -> str | None:
    """The online base-map style configured for this deployment, if any (none by default)."""
    return os.environ.get(BASEMAP_ENV) or None


def base_layers(geojson: dict[str, Any], language: str) -> list[pdk.Layer]:
    """The offline base map: district polygons and their names.

    Over a configured online base map the polygons are left unfilled, so that it shows through.
    """
    labels = district_labels(geojson, language)
    return [
        pdk.Layer(
            "GeoJsonLayer",
            geojson,
            id="districts",
            stroked=True,
            filled=True,
            get_fill_color=[*BASE_FILL[:3], 0] if online_basemap() else BASE_FILL,
            get_line_color=BASE_LINE,
            line_width_min_pixels=1,
            pickable=False,
        ),
        pdk.Layer(
            "TextLayer",
            labels,
            id="district_names",
            get_position="position",
            get_text="name",
            get_size=13,
            get_color=[170, 180, 200, 200],
            # pydeck turns plain strings into accessor expressions: literals need String
            character_set=String("auto"),
            font_family=String("'Noto Sans CJK SC', 'Noto Sans SC', sans-serif"),
            pickable=False,
        ),
    ]


def cell_layer(records: list[dict[str, Any]], layer_id: str = "cells") -> pdk.Layer:
    """Cells as hexagons filled by their ``colour``."""
    return pdk.Layer(
        "H3HexagonLayer",
        records,
        id=layer_id,
        get_hexagon="h3",
        get_fill_color="colour",
        extruded=False,
        stroked=False,
        coverage=0.92,
        pickable=True,
    )


def district_fill_layer(features: dict[str, Any]) -> pdk.Layer:
    """Districts filled by their complaints (the map at district resolution)."""
    return pdk.Layer(
        "GeoJsonLayer",
        features,
        id="district_fill",
        stroked=True,
        filled=True,
        get_fill_color="properties.colour",
        get_line_color=BASE_LINE,
        line_width_min_pixels=1,
        pickable=True,
    )


def alert_layer(features: dict[str, Any]) -> pdk.Layer:
    """Alert outlines, lightly filled so that a click anywhere inside picks the alert."""
    return pdk.Layer(
        "GeoJsonLayer",
        features,
        id="alerts",
        stroked=True,
        filled=True,
        get_fill_color="properties.fill",
        get_line_color="properties.line",
        get_line_width="properties.width",
        line_width_units=String("pixels"),
        line_width_min_pixels=2,
        pickable=True,
    )


class CompactDeck(pdk.Deck):
    """A ``pydeck.Deck`` that serialises without indentation.

    pydeck pretty-prints its JSON (``indent=2``), which for a layer of 50,000 cells is most of
    the payload Streamlit sends to the browser; this is the same JSON, compact.
    """

    def to_json(self) -> str:
        return json.dumps(
            self,
            sort_keys=True,
            default=default_serialize,
            separators=(",", ":"),
            ensure_ascii=False,
        )


def deck(layers: list[pdk.Layer], view: dict[str, float]) -> pdk.Deck:
    """The map: ``layers`` over no base map (or the configured online one), with tooltips."""
    style = online_basemap()
    options: dict[str, Any] = {"map_provider": None}
    if style:
        options = {"map_provider": "carto" if "cartocdn" in style else "mapbox", "map_style": style}
    return CompactDeck(
        layers=layers,
        initial_view_state=pdk.ViewState(**view),
        tooltip={"text": "{tip}"},
        **options,
    )
