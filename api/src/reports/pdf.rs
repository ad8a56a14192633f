//! Rendering a report's lines as an A4 PDF with an embedded (subset) CJK TrueType font, so the Chinese text
//! reads anywhere and can be extracted back (the font is written with a ToUnicode map).

use printpdf::{Mm, PdfDocument};

/// One line of the report and how it is set.
pub enum Line {
    Title(String),
    Heading(String),
    Text(String),
    Gap,
}

const WIDTH_CHARS: usize = 44;
const TOP_MM: f32 = 277.0;
const BOTTOM_MM: f32 = 18.0;
const LEFT_MM: f32 = 18.0;

/// The PDF of `lines` set in `font` (TrueType bytes).
pub fn render(title: &str, lines: &[Line], font: &[u8]) -> Result<Vec<u8>, String> {
    let (doc, page, layer) = PdfDocument::new(title, Mm(210.0), Mm(297.0), "正文");
    let font = doc.add_external_font(std::io::Cursor::new(font)).map_err(|e| e.to_string())?;
    let mut layer = doc.get_page(page).get_layer(layer);
    let mut y = TOP_MM;
    for line in lines {
        let (text, size, step) = match line {
            Line::Title(t) => (t.as_str(), 18.0, 12.0),
            Line::Heading(t) => (t.as_str(), 12.5, 8.0),
            Line::Text(t) => (t.as_str(), 10.5, 6.0),
            Line::Gap => ("", 10.5, 4.0),
        };
        for chunk in wrap(text) {
            if y < BOTTOM_MM {
                let (next, next_layer) = doc.add_page(Mm(210.0), Mm(297.0), "正文");
                layer = doc.get_page(next).get_layer(next_layer);
                y = TOP_MM;
            }
            if !chunk.is_empty() {
                layer.use_text(chunk, size, Mm(LEFT_MM), Mm(y), &font);
            }
            y -= step;
        }
    }
    doc.save_to_bytes().map_err(|e| e.to_string())
}

/// `text` cut into lines of at most `WIDTH_CHARS` characters (an empty text is one empty line).
fn wrap(text: &str) -> Vec<String> {
    let chars: Vec<char> = text.chars().collect();
    if chars.is_empty() {
        return vec![String::new()];
    }
    chars.chunks(WIDTH_CHARS).map(|c| c.iter().collect()).collect()
}
