/** Planner limits: readable chunk size (characters) and speaking rate (words per second). */
export const STORYBOARD_RULES = {
    maxSceneChars: 220,
    hardSentenceChars: 260,
    wordsPerSecond: 2.6,
    sceneLeadSeconds: 1.2,
    minSceneSeconds: 3,
    titleSeconds: 4,
    summarySeconds: 5,
    maxSummaryBullets: 4,
    summaryBulletChars: 90,
};
const wordCount = (s) => (s.trim() === '' ? 0 : s.trim().split(/\s+/).length);
/** Reading or speaking time of `text` in seconds, never below the minimum scene length. */
export function estimateSeconds(text) {
    const r = STORYBOARD_RULES;
    const seconds = wordCount(text) / r.wordsPerSecond + r.sceneLeadSeconds;
    return Math.round(Math.max(r.minSceneSeconds, seconds) * 10) / 10;
}
/**
 * Splits prose into sentences: at `.`, `!`, `?` (and their closing quotes or brackets) followed by
 * whitespace, and at paragraph breaks. Abbreviations such as "e.g." followed by a lowercase word stay joined.
 */
export function splitSentences(text) {
    return text
        .split(/\n+/)
        .flatMap((paragraph) => paragraph.split(/(?<=[.!?]["')\]]?)\s+(?=["'([]?[A-Z0-9])/))
        .map((s) => s.trim())
        .filter((s) => s.length > 0);
}
/** Breaks an over-long sentence at clause boundaries (`, ; :`) or, failing that, between words. */
function splitLongSentence(sentence, limit) {
    if (sentence.length <= limit)
        return [sentence];
    const parts = [];
    let rest = sentence;
    while (rest.length > limit) {
        const window = rest.slice(0, limit);
        let cut = Math.max(window.lastIndexOf(', '), window.lastIndexOf('; '), window.lastIndexOf(': '));
        if (cut < limit / 3)
            cut = window.lastIndexOf(' ');
        if (cut <= 0)
            cut = limit - 1;
        parts.push(rest.slice(0, cut + 1).trim());
        rest = rest.slice(cut + 1).trim();
    }
    if (rest)
        parts.push(rest);
    return parts;
}
/** Groups sentences into chunks of at most `maxSceneChars` characters, keeping sentences whole. */
export function chunkSentences(sentences, maxChars = STORYBOARD_RULES.maxSceneChars) {
    const chunks = [];
    let current = '';
    for (const sentence of sentences.flatMap((s) => splitLongSentence(s, STORYBOARD_RULES.hardSentenceChars))) {
        if (current && current.length + 1 + sentence.length > maxChars) {
            chunks.push(current);
            current = sentence;
        }
        else {
            current = current ? `${current} ${sentence}` : sentence;
        }
    }
    if (current)
        chunks.push(current);
    return chunks;
}
const shorten = (s, max) => {
    if (s.length <= max)
        return s;
    const cut = s.slice(0, max - 1);
    const space = cut.lastIndexOf(' ');
    return `${(space > max / 2 ? cut.slice(0, space) : cut).replace(/[,;:.]+$/, '')}…`;
};
/**
 * Plans the storyboard of a video (DESIGN §4, stage `planning`): a title card with the topic,
 * content cards built from the context split into readable chunks, optional cards of retrieved
 * source passages, and a closing summary card. Content is dropped from the end when the estimate
 * would pass `maxDurationSeconds`.
 *
 * @param spec the validated spec (topic, context, maxDurationSeconds)
 * @param passages retrieved passages to show (RAG), already ranked
 */
export function planStoryboard(spec, passages = []) {
    const r = STORYBOARD_RULES;
    const title = spec.topic;
    const chunks = chunkSentences(splitSentences(spec.context));
    const sourceChunks = passages
        .map((p) => shorten(p.replace(/\s+/g, ' ').trim(), r.maxSceneChars))
        .filter((p) => p);
    const titleNarration = title.endsWith('.') ? title : `${title}.`;
    const titleScene = {
        index: 0,
        kind: 'title',
        heading: title,
        body: '',
        bullets: [],
        narration: titleNarration,
        estimatedSeconds: Math.max(r.titleSeconds, estimateSeconds(titleNarration)),
    };
    // Keep scenes in order while title + scenes + the summary they would produce fit the budget;
    // once one does not fit, everything after it is dropped (the video is cut from the end).
    let used = titleScene.estimatedSeconds;
    let truncated = false;
    const body = [];
    const candidates = [
        ...chunks.map((text) => ({ kind: 'content', text })),
        ...sourceChunks.map((text) => ({ kind: 'source', text })),
    ];
    for (const candidate of candidates) {
        const seconds = estimateSeconds(candidate.text);
        const next = [...body, { ...candidate, seconds }];
        const summary = summaryScene(next.filter((b) => b.kind === 'content').map((b) => b.text), 0);
        const total = used + seconds + (summary?.estimatedSeconds ?? 0);
        if (total > spec.maxDurationSeconds && body.length > 0) {
            truncated = true;
            break;
        }
        body.push({ ...candidate, seconds });
        used += seconds;
    }
    const scenes = [titleScene];
    const contentCount = body.filter((b) => b.kind === 'content').length;
    let contentIndex = 0;
    for (const item of body) {
        if (item.kind === 'content')
            contentIndex += 1;
        scenes.push({
            index: scenes.length,
            kind: item.kind,
            heading: item.kind === 'content' ? `${title} · ${contentIndex}/${contentCount}` : 'From your sources',
            body: item.text,
            bullets: [],
            narration: item.text,
            estimatedSeconds: item.seconds,
        });
    }
    const summary = summaryScene(body.filter((b) => b.kind === 'content').map((b) => b.text), scenes.length);
    if (summary !== null)
        scenes.push(summary);
    const estimatedSeconds = Math.round(scenes.reduce((sum, s) => sum + s.estimatedSeconds, 0) * 10) / 10;
    return { title, scenes, estimatedSeconds, truncated };
}
/** The closing card: one bullet per picked content scene (its first sentence), or `null` without content. */
function summaryScene(contentTexts, index) {
    const r = STORYBOARD_RULES;
    if (contentTexts.length === 0)
        return null;
    const bullets = pickEvenly(contentTexts, r.maxSummaryBullets).map((text) => shorten(splitSentences(text)[0] ?? text, r.summaryBulletChars));
    const narration = `To sum up: ${bullets.map((b) => b.replace(/[.…]+$/, '')).join('; ')}.`;
    return {
        index,
        kind: 'summary',
        heading: 'Summary',
        body: '',
        bullets,
        narration,
        estimatedSeconds: Math.max(r.summarySeconds, estimateSeconds(narration)),
    };
}
/** Up to `n` items spread evenly over `items`, first and last included. */
function pickEvenly(items, n) {
    if (items.length <= n)
        return [...items];
    const out = [];
    for (let i = 0; i < n; i += 1) {
        const item = items[Math.round((i * (items.length - 1)) / (n - 1))];
        if (item !== undefined)
            out.push(item);
    }
    return out;
}
//# sourceMappingURL=storyboard.js.map