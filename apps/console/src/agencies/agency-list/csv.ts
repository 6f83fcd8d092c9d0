import { EdxError } from '@edx/common';

const BOM = '\uFEFF';

/**
 * Reads RFC 4180 CSV: fields separated by commas, records by CRLF or LF, a field in double quotes
 * may hold commas, line breaks and doubled quotes (""). A leading UTF-8 byte order mark is dropped.
 * Returns every record (the header included), each with the line it starts on; blank lines are
 * skipped. Throws DIRECTORY_IMPORT_INVALID for a quote left open or text after a closing quote.
 */
export function readCsv(text: string): Array<{ line: number; fields: string[] }> {
  const input = text.startsWith(BOM) ? text.slice(1) : text;
  const records: Array<{ line: number; fields: string[] }> = [];
  let fields: string[] = [];
  let field = '';
  let line = 1;
  let startLine = 1;
  let i = 0;
  let quoted = false;
  let sawAny = false;
  const endRecord = () => {
    fields.push(field);
    if (fields.length > 1 || fields[0] !== '' || sawAny) records.push({ line: startLine, fields });
    fields = [];
    field = '';
    sawAny = false;
  };
  while (i < input.length) {
    const c = input[i];
    if (quoted) {
      if (c === '"') {
        if (input[i + 1] === '"') {
          field += '"';
          i += 2;
          continue;
        }
        quoted = false;
        i++;
        const next = input[i];
        if (next !== undefined && next !== ',' && next !== '\n' && next !== '\r') {
          throw new EdxError('DIRECTORY_IMPORT_INVALID', `CSV line ${line}: text after a closing quote; a quote inside a quoted field is written twice ("").`, { line });
        }
        continue;
      }
      if (c === '\n') line++;
      field += c;
      i++;
      continue;
    }
    if (c === '"' && field === '') {
      quoted = true;
      sawAny = true;
      i++;
    } else if (c === ',') {
      fields.push(field);
      field = '';
      sawAny = true;
      i++;
    } else if (c === '\r' || c === '\n') {
      endRecord();
      i += c === '\r' && input[i + 1] === '\n' ? 2 : 1;
      line++;
      startLine = line;
    } else {
      field += c;
      i++;
    }
  }
  if (quoted) throw new EdxError('DIRECTORY_IMPORT_INVALID', `CSV line ${startLine}: a quoted field is never closed.`, { line: startLine });
  if (field !== '' || fields.length > 0 || sawAny) endRecord();
  return records;
}

/** One CSV field, quoted when it holds a comma, a quote, a line break or edge spaces (RFC 4180). */
function csvField(value: string): string {
  return /[",\r\n]|^\s|\s$/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

/**
 * Writes records as RFC 4180 CSV with CRLF line ends, preceded by a UTF-8 byte order mark so that
 * spreadsheet programs read Vietnamese names as UTF-8.
 */
export function writeCsv(records: ReadonlyArray<ReadonlyArray<string>>): string {
  return BOM + records.map((fields) => fields.map(csvField).join(',')).join('\r\n') + '\r\n';
}
