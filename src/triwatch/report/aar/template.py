"""The report page: one Jinja2 template with autoescaping, inline CSS and no JavaScript.

Autoescape is on for every value, so a scenario name such as `<script>` from a
scenario file arrives on the page as text. Figures are `data:` URIs; the page
loads nothing from anywhere.
"""

from __future__ import annotations

from jinja2 import Environment, StrictUndefined

CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0 auto;max-width:1060px;padding:0 18px 40px;color:#1c2833;line-height:1.45}
h1{font-size:1.6em;margin:18px 0 4px}h2{border-bottom:2px solid #d5d8dc;padding-bottom:3px;margin-top:34px}h3{margin:20px 0 6px}
table{border-collapse:collapse;margin:8px 0 12px;font-size:.92em}th,td{border:1px solid #d5d8dc;padding:3px 8px;text-align:left;vertical-align:top}
th{background:#f2f4f4}td.num{text-align:right;font-variant-numeric:tabular-nums}
.kv th{width:260px}.note{color:#4d5656;font-size:.92em;max-width:900px}.warn{background:#fdedec}.ok{background:#e9f7ef}
.bad{color:#b03a2e;font-weight:600}img{max-width:100%;border:1px solid #eaeded}.grid{display:flex;gap:24px;flex-wrap:wrap}
details{margin:6px 0}ul.findings li{margin:3px 0;padding:2px 6px}ul.findings li.f-bad{background:#fdedec}ul.findings li.f-ok{background:#e9f7ef}ul.findings li.f-note{background:#fef9e7}summary{cursor:pointer;font-weight:600}footer{margin-top:40px;color:#7f8c8d;font-size:.85em}
"""

PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>After-action report: {{ header[0][1] }}</title>
<style>{{ css }}</style></head>
<body>
<h1>After-action report: {{ header[0][1] }}</h1>
<p class="note">Written from the run folder alone: the run summary, the event log{% if has_truth %} and the truth trajectories{% endif %}.
Times are scenario seconds; times "after launch" count from each launch.</p>
<table class="kv">{% for k, v in header %}<tr><th>{{ k }}</th><td>{{ v }}</td></tr>{% endfor %}</table>

<h2>Key findings</h2>
{% if findings %}<ul class="findings">{% for sev, text in findings %}<li class="f-{{ sev }}">{{ text }}</li>{% endfor %}</ul>
{% else %}<p>Nothing stands out: no launch, refusal or escalation to report.</p>{% endif %}

<h2>Scores of the run</h2>
<table><tr><th>score</th><th>value</th><th>what it means</th></tr>
{% for name, value, meaning in metrics %}<tr><td>{{ name }}</td><td class="num">{{ value }}</td><td>{{ meaning }}</td></tr>{% endfor %}</table>

<h2>Per launch: truth against what the allies estimated</h2>
{% if not launches %}<p>The summary lists no launch.</p>{% endif %}
{% for L in launches %}
<h3>Launch {{ L.id }}</h3>
<div class="grid">
<table class="kv"><tr><th colspan="2">truth</th></tr>{% for k, v in L.truth %}<tr><td>{{ k }}</td><td>{{ v }}</td></tr>{% endfor %}</table>
<table class="kv"><tr><th colspan="2">estimate</th></tr>{% for k, v in L.estimate %}<tr><td>{{ k }}</td><td{% if k == 'predicted impact area' and L.area_mismatch %} class="bad"{% endif %}>{{ v }}</td></tr>{% endfor %}</table>
</div>
{% if L.area_mismatch %}<p class="bad">The predicted impact area differs from where the launch truly came down.</p>{% endif %}
<table><tr><th>nation</th><th>launch alert delivered</th><th>first warning naming an area</th></tr>
{% for r in L.per_nation %}<tr class="{{ 'ok' if r.warned else '' }}"><td>{{ r.nation }}</td><td class="num">{{ r.launch_alert }}</td><td class="num">{{ r.first_warning }}</td></tr>{% endfor %}</table>
<p class="note">{{ L.context }} (Source: {{ source }}.) A dash means the nation got no such warning about this launch.</p>
{% endfor %}

<h2>Warning latencies</h2>
{% if latency_fig %}<img alt="warning timing per launch and nation" src="{{ latency_fig }}">
<p class="note">Each pair of bars is one nation for one launch: the pale bar is when the first launch alert reached its command centre,
the solid bar when the first warning naming a threatened area (impact or overflight of land or EEZ) did. Dotted lines are the public
J-Alert timings; the dashed line is the ~10 min a missile takes to reach Japan.</p>
{% else %}<p>No launch alert or warning timing is in the summary, so there is no timing figure.</p>{% endif %}
<table><tr><th>receiving nation</th><th>own warnings delivered</th><th>partner warnings delivered</th><th>median delay after issue (s)</th><th>worst delay (s)</th></tr>
{% for r in delays %}<tr><td>{{ r.nation }}</td><td class="num">{{ r.own }}</td><td class="num">{{ r.partner }}</td><td class="num">{{ r.median }}</td><td class="num">{{ r.worst }}</td></tr>{% endfor %}</table>
<p class="note">Delay in scenario time from a partner issuing a warning revision to its delivery here, from the event log.
On the wall clock, from a sensor report entering a node to the warning it causes reaching every partner:
p50 {{ wall_p50 }}, p99 {{ wall_p99 }} (run summary).</p>

<h2>Timeline per nation</h2>
{% if timeline_fig %}<img alt="per-nation timeline" src="{{ timeline_fig }}">{% else %}<p>No nation appears in the summary or the events, so there is no timeline.</p>{% endif %}
<p class="note">One panel per nation's node, from the events that node produced or received. Bars: its own sensors' detections per
{{ bin_s }} s. Solid line: its own tracks updated in each {{ bin_s }} s. Dashed: partner track messages received. Triangles on top: warnings
delivered to its command centre (filled) and issued by its own warning engine (hollow), coloured by kind; bars and crosses
below them: acknowledgements and escalations. Dashed vertical lines mark launches, when truth was given to the report.</p>
<table><tr><th>nation</th>{% for k in total_keys %}<th>{{ k }}</th>{% endfor %}</tr>
{% for T in timelines %}<tr><td>{{ T.nation }}</td>{% for k in total_keys %}<td class="num">{{ T.totals[k] }}</td>{% endfor %}</tr>{% endfor %}</table>
{% for T in timelines %}<details><summary>{{ T.nation }}: warnings, acknowledgements, escalations ({{ T.rows|length }} events)</summary>
<table><tr><th>t (s)</th><th>event</th><th>warning</th><th>kind</th><th>areas</th><th>who / detail</th></tr>
{% for r in T.rows %}<tr class="{{ 'warn' if r.type in ('escalation', 'refused-payload') else '' }}"><td class="num">{{ r.t }}</td><td>{{ r.type }}</td><td>{{ r.warning }}</td><td>{{ r.kind }}</td><td>{{ r.areas }}</td><td>{{ r.who }}</td></tr>{% endfor %}
</table></details>{% endfor %}

<h2>Track accuracy</h2>
{% if accuracy_fig %}<img alt="track accuracy against time" src="{{ accuracy_fig }}">
<p class="note">Top: distance from each national track update to the nearest truth object (within 50 km; log scale).
Middle: distance from each issued warning's predicted impact point to where the object its track was following truly came
down (the truth object nearest the warning's fused state: early in flight this can be a spent stage). The per-launch table
above compares with the launch's payload instead, as the run summary does, so the two differ for warnings built on a stage.
Bottom: GOSPA of each node's allied picture every 10 s against every object in flight (c = 10 km): the dotted line is the
cost of one missed or one false object with nothing else wrong.{% if track_time_note %} {{ track_time_note }}{% endif %}</p>
<table><tr><th>nation</th><th>track updates near truth</th><th>median error (km)</th><th>95th pct (km)</th><th>updates near no truth</th>
<th>first issued warning's impact error, vs the object tracked (km)</th><th>last (km)</th><th>mean GOSPA (km)</th></tr>
{% for r in accuracy_rows %}<tr><td>{{ r.nation }}</td><td class="num">{{ r.updates }}</td><td class="num">{{ r.median }}</td><td class="num">{{ r.p95 }}</td>
<td class="num">{{ r.unassociated }}</td><td class="num">{{ r.impact_first }}</td><td class="num">{{ r.impact_last }}</td><td class="num">{{ r.gospa }}</td></tr>{% endfor %}</table>
{% else %}<p>Accuracy plots omitted: no truth trajectories were given to the report, so track errors, impact-point errors
against time and GOSPA over time cannot be computed here. The run summary's scores above still hold.</p>{% endif %}

<h2>Map</h2>
<img alt="map of trajectories, tracks and predicted impacts" src="{{ map_fig }}">
<p class="note">{{ map_note }}</p>
{% if areas_named %}<p>Areas named in warnings during the run: {{ areas_named|join(', ') }}.</p>{% endif %}

<h2>What each nation received and refused</h2>
<table><tr><th>nation</th><th>received from</th><th>counts</th><th>sent</th><th>withheld</th><th>refused</th><th>reasons</th></tr>
{% for r in nations %}{% set n = [r.received|length, 1]|max %}
{% for i in range(n) %}<tr class="{{ 'warn' if r.refused else '' }}">{% if i == 0 %}<td rowspan="{{ n }}">{{ r.nation }}</td>{% endif %}
<td>{{ r.received[i][0] if r.received else '—' }}</td><td>{{ r.received[i][1] if r.received else ('not in the summary' if not r.listed else 'nothing') }}</td>
{% if i == 0 %}<td rowspan="{{ n }}">{{ r.sent }}</td><td rowspan="{{ n }}">{{ r.withheld }}</td><td rowspan="{{ n }}" class="num{{ ' bad' if r.refused else '' }}">{{ r.refused_count }}</td>
<td rowspan="{{ n }}">{% for reason, c in r.reasons %}<span class="bad">{{ reason }}</span>: {{ c }}<br>{% else %}—{% endfor %}</td>{% endif %}</tr>{% endfor %}
{% endfor %}</table>
<p class="note">Counts of messages by kind, from the fabric's statistics in the run summary. "Withheld" counts messages the
releasability policy kept from at least one partner; a refusal is a message this node would not accept (bad signature, label,
sequence or payload) and is highlighted with its reason. A leak or a loss shows here first.</p>
<footer>triwatch after-action report. Public benchmarks: {{ source }}.</footer>
</body></html>
"""

_ENV = Environment(autoescape=True, undefined=StrictUndefined, trim_blocks=False, lstrip_blocks=False)


def render(context: dict) -> str:
    """The page for a context (every key the template names must be present)."""
    return _ENV.from_string(PAGE).render(css=CSS, **context)
