/**
 * The Anki note type every export uses: its fixed fields, its one card template and its style.
 *
 * The id, the field names and the template names must never change: Anki matches an imported
 * note type by id and compares a hash of its field and template names; a different hash makes
 * it add a second note type and refuse to update the notes already imported. A new layout of
 * fields needs a new id and name ("lingoreel expression v2").
 */

/** The note type's name in Anki. */
export const NOTE_TYPE_NAME = "lingoreel expression";

/** The note type's id in Anki (fixed; see the module comment). */
export const NOTE_TYPE_ID = 1_735_689_600_042;

/**
 * The fields in order. Translation and Sentence translation hold every exported target
 * language (one per line, prefixed with its code when there are several), so that the note
 * type stays the same whatever languages an export carries.
 */
export const NOTE_FIELDS = [
  "Expression",
  "Translation",
  "Meaning",
  "Sentence",
  "Sentence translation",
  "Audio",
  "Screenshot",
  "Similar",
  "Example",
  "Source",
] as const;
/** One of {@link NOTE_FIELDS}. */
export type NoteField = (typeof NOTE_FIELDS)[number];

/** The card: recognising the expression in its scene. */
export const CARD_TEMPLATE = {
  name: "Recognise",
  // the picture and the line with the expression in bold: what does it mean here?
  front: `<div class="screenshot">{{Screenshot}}</div>
<div class="expression">{{Expression}}</div>
<div class="sentence">{{Sentence}}</div>`,
  // the answer, and the line spoken as it was in the episode (played when the back shows)
  back: `{{FrontSide}}
<hr id="answer">
<div class="translation">{{Translation}}</div>
<div class="meaning">{{Meaning}}</div>
{{#Sentence translation}}<div class="sentence-translation">{{Sentence translation}}</div>{{/Sentence translation}}
{{#Similar}}<div class="similar"><span class="label">Similar:</span> {{Similar}}</div>{{/Similar}}
{{#Example}}<div class="example"><span class="label">Example:</span> {{Example}}</div>{{/Example}}
<div class="audio">{{Audio}}</div>
<div class="source">{{Source}}</div>`,
} as const;

/** The cards' style. */
export const CARD_CSS = `.card {
  font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif;
  font-size: 20px;
  line-height: 1.4;
  text-align: center;
  color: #1d2733;
  background-color: #fbfaf7;
}
.nightMode.card, .night_mode .card { color: #e8e6e1; background-color: #1f252b; }
.screenshot img { max-width: 100%; max-height: 45vh; border-radius: 6px; }
.expression { font-size: 1.6em; font-weight: 600; margin: 0.4em 0; }
.sentence { font-style: italic; }
.sentence b { color: #c45a12; font-style: normal; }
.sentence .context { opacity: 0.6; }
.translation { font-size: 1.3em; font-weight: 600; }
.lang { font-size: 0.65em; font-weight: 600; opacity: 0.6; margin-right: 0.3em; text-transform: uppercase; }
.meaning, .sentence-translation, .similar, .example { margin-top: 0.6em; }
.label { opacity: 0.6; }
.source { margin-top: 1em; font-size: 0.7em; opacity: 0.6; }
`;
