import Search

/// A morph run's frames as an animation with a scrubber: the record of each frame's last
/// generation, in frame order, with the frame's t and robust confidence.
struct MorphSection {
    let morph: MorphSchedule
    /// The cards of the frames found among the exported records, in frame order.
    let frames: [(frame: Int, card: RunPage.Card)]

    /// The section for the page of a run with plan `settings`, or nil when the run is not a
    /// morph (or its plan cannot be read) or fewer than two of its frames were exported.
    init?(settings: RunSettings?, cards: [RunPage.Card]) {
        guard let morph = settings?.morph else { return nil }
        self.morph = morph
        frames = (0..<morph.frames).compactMap { i in
            let generation = (i + 1) * morph.generationsPerFrame
            return cards.first(where: { $0.record.generation == generation }).map { (i, $0) }
        }
        guard frames.count >= 2 else { return nil }
    }

    /// The section's HTML: one image, a range input and a play button.
    func html() -> String {
        let first = frames[0].card.entry
        let data = frames.map { f -> String in
            let t = morph.t(frame: f.frame)
            // Percent-encoded paths and formatted numbers: nothing in them needs escaping in a JS string.
            return "{src:\"\(HTML.href(f.card.entry.image))\",label:\"frame \(f.frame + 1) of \(morph.frames) · t = \(GalleryFormat.number(t)) · \(GalleryFormat.percent(f.card.entry.measuredConfidence)) robust\"}"
        }.joined(separator: ",")
        return """
            <h2>Morph<small>\(HTML.escape(morph.fromName)) → \(HTML.escape(morph.toName))</small></h2>
            <div class="panel morph">
            <img id="morph-image" src="\(HTML.href(first.image))" width="\(min(first.size, 448))" \
            height="\(min(first.size, 448))" alt="\(HTML.escape("morph from \(morph.fromName) to \(morph.toName)"))">
            <div class="morph-controls"><button type="button" id="morph-play">Play</button>
            <input type="range" id="morph-scrubber" min="0" max="\(frames.count - 1)" value="0" step="1" \
            aria-label="frame">
            <span id="morph-label"></span></div>
            </div>
            <script>
            (function(){var f=[\(data)],i=0,timer=null;
            var img=document.getElementById('morph-image'),s=document.getElementById('morph-scrubber'),
            l=document.getElementById('morph-label'),b=document.getElementById('morph-play');
            f.forEach(function(x){new Image().src=x.src});
            function show(k){i=k;img.src=f[k].src;s.value=k;l.textContent=f[k].label}
            s.addEventListener('input',function(){show(+s.value)});
            b.addEventListener('click',function(){if(timer){clearInterval(timer);timer=null;b.textContent='Play';return}
            b.textContent='Pause';timer=setInterval(function(){show((i+1)%f.length)},600)});
            show(0)})();
            </script>

            """
    }
}
