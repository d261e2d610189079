import { extractText, getDocumentProxy } from 'unpdf';
/**
 * The text of a PDF (every page, in order, pages separated by a blank line), with unpdf
 * (PDF.js). @throws Error when the bytes are not a readable PDF.
 */
export async function extractPdfText(bytes) {
    // PDF.js takes ownership of (detaches) the buffer it is given: pass a copy.
    const pdf = await getDocumentProxy(new Uint8Array(bytes));
    try {
        const { text } = await extractText(pdf, { mergePages: false });
        return text.join('\n\n');
    }
    finally {
        await pdf.destroy().catch(() => undefined);
    }
}
//# sourceMappingURL=pdf-text.js.map