/// The inline stylesheet and script shared by the gallery's pages (no external assets).
enum PageStyle {
    /// The CSS of every page: a dark theme with system fonts.
    static let css = """
        :root{--bg:#0e1014;--panel:#171a21;--panel2:#1d212a;--line:#2b303b;--text:#e7e9ee;\
        --muted:#9aa3b2;--accent:#7cc4ff;--mean:#f3a56f;--warn:#f0c674;--good:#8bd5a0;\
        color-scheme:dark}
        *{box-sizing:border-box}
        body{margin:0;background:var(--bg);color:var(--text);\
        font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif}
        main{max-width:1240px;margin:0 auto;padding:28px 24px 48px}
        a{color:var(--accent);text-decoration:none}
        a:hover{text-decoration:underline}
        h1{font-size:28px;margin:4px 0 2px;letter-spacing:-.01em;word-break:break-word}
        h2{font-size:18px;margin:34px 0 12px;font-weight:600}
        h2 small{font-size:13px;font-weight:400;color:var(--muted);margin-left:8px}
        nav{font-size:14px}
        .lead{color:var(--muted);margin:2px 0 0}
        .lead strong{color:var(--text);font-weight:600}
        .facts{display:flex;flex-wrap:wrap;gap:8px;list-style:none;padding:0;margin:16px 0 0}
        .facts li{background:var(--panel);border:1px solid var(--line);border-radius:8px;\
        padding:6px 12px;font-variant-numeric:tabular-nums}
        .facts span{display:block;font-size:11px;text-transform:uppercase;letter-spacing:.06em;\
        color:var(--muted)}
        .panel{background:var(--panel);border:1px solid var(--line);border-radius:12px;padding:12px;\
        overflow-x:auto}
        .chart{display:block;width:100%;min-width:600px;height:auto}
        .chart .grid{stroke:var(--line);stroke-width:1}
        .chart .axis{stroke:var(--muted);stroke-width:1}
        .chart text{fill:var(--muted);font-size:12px;font-family:inherit}
        .chart .label{fill:var(--text);font-size:13px}
        .chart .legend text{fill:var(--text);font-size:13px}
        .chart polyline,.chart .legend line{fill:none;stroke-width:2.5;stroke-linejoin:round;\
        stroke-linecap:round}
        .chart .best{stroke:var(--accent);fill:var(--accent)}
        .chart .mean{stroke:var(--mean);fill:var(--mean)}
        .chart polyline.best,.chart polyline.mean{fill:none}
        .chart circle.front{fill:var(--accent);fill-opacity:.75;stroke:var(--accent);stroke-width:1.5}
        .chart a:hover circle.front{fill-opacity:1;stroke:var(--text)}
        .chart circle.other{fill:var(--muted);fill-opacity:.55}
        .chart text.point{fill:var(--text);font-size:11px}
        .card:target{border-color:var(--accent);box-shadow:0 0 0 2px var(--accent)}
        .grid-cards{display:grid;grid-template-columns:repeat(auto-fill,minmax(260px,1fr));gap:18px}
        .card{background:var(--panel);border:1px solid var(--line);border-radius:12px;overflow:hidden;\
        display:flex;flex-direction:column;color:var(--text)}
        a.card:hover{text-decoration:none;border-color:var(--accent)}
        .thumb{position:relative;display:block;background:#000;aspect-ratio:1/1}
        .thumb img{display:block;width:100%;height:100%;object-fit:cover;image-rendering:auto}
        .badges{position:absolute;top:8px;left:8px;display:flex;gap:6px}
        .badge{font-size:11px;font-weight:600;letter-spacing:.04em;text-transform:uppercase;\
        padding:2px 8px;border-radius:999px;background:rgba(14,16,20,.78);color:var(--text);\
        border:1px solid rgba(255,255,255,.18)}
        .badge.best{color:#0e1014;background:var(--accent);border-color:var(--accent)}
        .badge.polished{color:#0e1014;background:var(--good);border-color:var(--good)}
        .body{padding:12px 14px 14px;display:flex;flex-direction:column;gap:6px;flex:1}
        .score{display:flex;align-items:baseline;gap:8px;flex-wrap:wrap}
        .conf{font-size:24px;font-weight:650;font-variant-numeric:tabular-nums}
        .class{color:var(--muted);overflow-wrap:anywhere;margin-top:-6px}
        .note{font-size:13px;color:var(--warn)}
        .heldout{font-size:13px;color:var(--muted)}
        .breeding{font-size:13px;color:var(--muted);overflow-wrap:anywhere}
        .breeding .search{color:var(--text);white-space:nowrap}
        .meta{display:grid;grid-template-columns:auto 1fr;gap:0 12px;margin:0;font-size:13px;\
        font-variant-numeric:tabular-nums}
        .meta dt{color:var(--muted)}
        .meta dd{margin:0;text-align:right}
        .formula{margin-top:6px;background:var(--panel2);border:1px solid var(--line);\
        border-radius:8px;overflow:hidden}
        .formula-bar{display:flex;justify-content:space-between;align-items:center;\
        padding:3px 6px 3px 10px;border-bottom:1px solid var(--line);font-size:11px;\
        text-transform:uppercase;letter-spacing:.06em;color:var(--muted)}
        .formula pre{margin:0;max-height:8.5em;overflow:auto;padding:8px 10px;font-size:12px;\
        line-height:1.4;white-space:pre-wrap;overflow-wrap:anywhere;user-select:all;\
        font-family:ui-monospace,"SFMono-Regular",Menlo,Consolas,"DejaVu Sans Mono",monospace}
        .formula button{font:inherit;font-size:11px;letter-spacing:.04em;text-transform:none;\
        padding:1px 10px;border-radius:6px;border:1px solid var(--line);background:var(--panel);\
        color:var(--muted);cursor:pointer}
        .formula button:hover{color:var(--text);border-color:var(--accent)}
        .empty{color:var(--muted)}
        .intro{margin-bottom:28px}
        .card h2{margin:0;font-size:17px;word-break:break-word}
        footer{margin-top:40px;color:var(--muted);font-size:13px}
        .morph{display:flex;flex-direction:column;align-items:center;gap:10px}
        .morph img{max-width:100%;height:auto;border-radius:8px;image-rendering:auto}
        .morph-controls{display:flex;align-items:center;gap:12px;width:min(100%,448px)}
        .morph-controls input{flex:1}
        .morph-controls button{font:inherit;padding:3px 12px;border-radius:6px;border:1px solid var(--line);\
        background:var(--panel2);color:var(--text);cursor:pointer}
        #morph-label{color:var(--muted);font-size:13px;white-space:nowrap}
        .facts b{font-weight:650}
        .coverage li{padding:8px 14px}
        .coverage b{font-size:20px}
        .facts.small{margin-top:10px}
        .facts.small li{padding:3px 10px;font-size:13px}
        .legend{display:flex;flex-wrap:wrap;gap:6px 16px;align-items:center;font-size:13px;color:var(--muted);\
        margin:0 0 10px}
        .graph-tools{margin-left:auto;display:flex;gap:14px;align-items:center}
        .graph-tools button{font:inherit;font-size:12px;padding:2px 10px;border-radius:6px;\
        border:1px solid var(--line);background:var(--panel2);color:var(--text);cursor:pointer}
        .graph-note{font-size:13px;color:var(--muted);margin:8px 0 0}
        .swatch{display:inline-block;width:11px;height:11px;border-radius:3px;margin-right:6px;\
        vertical-align:-1px;font-style:normal}
        .swatch.ghost{border:1px dashed var(--muted)}
        .graph{max-height:82vh;overflow:auto}
        svg.similarity{display:block;margin:0 auto}
        .graph.fit svg.similarity{max-width:100%;height:auto}
        .filter{display:flex;flex-wrap:wrap;gap:12px;align-items:center;margin:0 0 14px;color:var(--muted);\
        font-size:13px}
        .filter input{font:inherit;font-size:15px;padding:6px 12px;border-radius:8px;border:1px solid var(--line);\
        background:var(--panel2);color:var(--text);width:min(100%,340px)}
        .grid-cells{display:grid;grid-template-columns:repeat(auto-fill,minmax(156px,1fr));gap:12px}
        .cell[hidden]{display:none}
        .cell:target{border-color:var(--accent);box-shadow:0 0 0 2px var(--accent)}
        .cell .body{padding:8px 10px 10px;gap:1px}
        .cell .name{font-weight:600;overflow-wrap:anywhere;line-height:1.3}
        .cell .conf{font-size:17px}
        .cell .score{font-size:13px;color:var(--muted);gap:6px}
        .cell .score .conf{color:var(--text)}
        .cell .line{font-size:12px;color:var(--muted);font-variant-numeric:tabular-nums}
        .thumb.pending{display:flex;align-items:center;justify-content:center;color:#aaa;font-size:12px}
        .cell.unjudged .score .conf{color:var(--muted)}
        .progress-note{border-left:3px solid var(--muted);padding:4px 10px;color:var(--muted)}
        .mosaic{display:grid;grid-template-columns:1fr 1fr}
        .mosaic img{width:100%;height:100%;object-fit:cover}
        .coverage-line{font-size:13px;color:var(--muted)}
        code{font-family:ui-monospace,"SFMono-Regular",Menlo,Consolas,"DejaVu Sans Mono",monospace;\
        font-size:13px;background:var(--panel2);padding:1px 5px;border-radius:4px}
        """

    /// The copy button's handler: copies the `<pre>` beside the button.
    static let script = """
        function copyFormula(b){var t=b.closest('.formula').querySelector('pre').textContent;\
        function done(){b.textContent='Copied';setTimeout(function(){b.textContent='Copy'},1500)}\
        if(navigator.clipboard){navigator.clipboard.writeText(t).then(done,function(){select(b)})}\
        else{select(b)}}
        function select(b){var r=document.createRange();r.selectNodeContents(\
        b.closest('.formula').querySelector('pre'));var s=getSelection();s.removeAllRanges();s.addRange(r);\
        try{document.execCommand('copy');b.textContent='Copied'}catch(e){}}
        """

    /// A complete document: `<head>` with `title` and the stylesheet, then `body`.
    static func document(title: String, body: String, script: Bool) -> String {
        """
        <!DOCTYPE html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>\(HTML.escape(title))</title>
        <style>
        \(css)
        </style>
        \(script ? "<script>\n\(Self.script)\n</script>\n" : "")</head>
        <body>
        <main>
        \(body)
        </main>
        </body>
        </html>

        """
    }
}
