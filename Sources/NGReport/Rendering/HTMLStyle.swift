/// The report's style sheet, inlined into every report: a readable single column (≈ 72
/// characters of body text), system fonts, tables with right-aligned tabular numbers, figures
/// that scale down on narrow screens, and print rules that keep a figure on one page.
enum HTMLStyle {
    static let css = """
    :root { color-scheme: light; --ink: #1d1d1f; --muted: #5f6368; --rule: #dadce0; --accent: #0b57d0; --panel: #f6f7f9; }
    * { box-sizing: border-box; }
    html { -webkit-text-size-adjust: 100%; }
    body { margin: 0; background: #fff; color: var(--ink); font: 16px/1.55 -apple-system, BlinkMacSystemFont, "Segoe UI", Roboto, "Helvetica Neue", Arial, "DejaVu Sans", sans-serif; }
    main { max-width: 980px; margin: 0 auto; padding: 32px 28px 64px; }
    header.report { border-bottom: 2px solid var(--ink); margin-bottom: 24px; padding-bottom: 12px; }
    h1 { font-size: 2rem; line-height: 1.2; margin: 0 0 6px; letter-spacing: -0.01em; }
    h2 { font-size: 1.5rem; line-height: 1.25; margin: 0 0 8px; padding-top: 8px; }
    h3 { font-size: 1.05rem; margin: 26px 0 8px; text-transform: uppercase; letter-spacing: 0.05em; color: var(--muted); }
    p, ul, ol { max-width: 46em; }
    a { color: var(--accent); text-decoration: none; }
    a:hover { text-decoration: underline; }
    .meta { color: var(--muted); font-size: 0.92rem; margin: 0; }
    nav.toc { background: var(--panel); border: 1px solid var(--rule); border-radius: 8px; padding: 12px 20px; margin: 0 0 36px; }
    nav.toc h2 { font-size: 1rem; margin: 0 0 4px; padding: 0; text-transform: uppercase; letter-spacing: 0.05em; color: var(--muted); }
    nav.toc ol { margin: 0; padding-left: 1.4em; }
    nav.toc li { margin: 2px 0; }
    nav.toc .summary { color: var(--muted); font-size: 0.9rem; }
    section.experiment { border-top: 1px solid var(--rule); padding-top: 18px; margin-top: 40px; }
    .question { font-size: 1.1rem; color: #333; border-left: 4px solid var(--accent); padding: 2px 0 2px 14px; margin: 8px 0 18px; }
    ul.findings li { margin: 4px 0; }
    .how-to-read { background: #fbfbf4; border: 1px solid #ecebd5; border-radius: 6px; padding: 10px 16px; max-width: 46em; }
    .how-to-read p { margin: 6px 0; }
    .table-wrap { overflow-x: auto; margin: 12px 0 26px; }
    table { border-collapse: collapse; font-size: 0.92rem; }
    caption { caption-side: top; text-align: left; font-weight: 600; padding: 0 0 6px; }
    th, td { padding: 5px 12px; border-bottom: 1px solid var(--rule); text-align: left; vertical-align: top; }
    thead th { border-bottom: 2px solid #9aa0a6; background: var(--panel); font-weight: 600; }
    tbody tr:nth-child(even) td { background: #fafafa; }
    td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
    .note { color: var(--muted); font-size: 0.88rem; margin: 6px 0 0; }
    figure { margin: 18px 0 30px; }
    figure.plot svg { display: block; width: 100%; max-width: 880px; height: auto; border: 1px solid #eee; border-radius: 4px; }
    figcaption { color: #333; font-size: 0.93rem; margin-top: 8px; max-width: 46em; }
    figcaption strong { color: var(--ink); }
    details.record { margin: 24px 0 0; font-size: 0.88rem; color: #333; background: var(--panel); border: 1px solid var(--rule); border-radius: 6px; padding: 6px 14px; }
    details.record summary { cursor: pointer; color: var(--muted); font-weight: 600; }
    details.record dl { display: grid; grid-template-columns: max-content 1fr; gap: 2px 16px; margin: 10px 0 6px; }
    details.record dt { color: var(--muted); }
    details.record dd { margin: 0; overflow-wrap: anywhere; }
    code { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, "DejaVu Sans Mono", monospace; font-size: 0.9em; }
    footer { margin-top: 48px; color: var(--muted); font-size: 0.85rem; border-top: 1px solid var(--rule); padding-top: 10px; }
    @media print { main { max-width: none; padding: 0; } figure, .table-wrap { break-inside: avoid; } details.record { display: none; } }
    """
}
