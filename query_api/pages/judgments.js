// Quepid judgment lists (CSV: query,docid,rating) and nDCG@k, parsed and computed in the browser.
//
// nDCG mirrors relevance/evaluation.py (OpenSearch _rank_eval semantics): only the first k distinct
// hits count; DCG = sum over hits of (2^rating - 1) / log2(rank + 1), an unrated hit adding 0
// but keeping its rank; IDCG is the DCG of all the query's ratings sorted high to low, cut to
// the number of hits returned; 0 when IDCG is 0.

export const MAX_RATING = 3;
const HEADER = ["query", "docid", "rating"];

/** RFC 4180 records: quoted cells may hold commas, quotes ("") and line breaks. */
export function csvRecords(text) {
  const records = [];
  let record = [];
  let cell = "";
  let quoted = false;
  let line = 1;
  let start = 1;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (ch === '"') {
        quoted = false;
      } else {
        if (ch === "\n") line++;
        cell += ch;
      }
    } else if (ch === '"') {
      quoted = true;
    } else if (ch === ",") {
      record.push(cell);
      cell = "";
    } else if (ch === "\n" || ch === "\r") {
      if (ch === "\r" && text[i + 1] === "\n") i++;
      record.push(cell);
      records.push({ line: start, cells: record });
      record = [];
      cell = "";
      line++;
      start = line;
    } else {
      cell += ch;
    }
  }
  if (cell !== "" || record.length) {
    record.push(cell);
    records.push({ line: start, cells: record });
  }
  return records;
}

/**
 * Ratings by query: Map(query -> Map(docid -> rating)). Other columns are ignored, as Quepid
 * does. A bad row throws an Error naming its line and column, like load_judgments.
 */
export function parseJudgments(text) {
  const records = csvRecords(text.replace(/^\uFEFF/, ""));
  if (!records.length) throw new Error(`line 1: empty file, expected header ${HEADER.join(",")}`);
  const names = records[0].cells.map((name) => name.trim().toLowerCase());
  for (const column of HEADER) {
    if (!names.includes(column)) throw new Error(`line 1: missing column '${column}'`);
  }
  const [q, d, r] = HEADER.map((column) => names.indexOf(column));
  const needed = Math.max(q, d, r) + 1;
  const ratings = new Map();
  for (const { line, cells } of records.slice(1)) {
    if (!cells.some((cell) => cell.trim())) continue;
    if (cells.length < needed) {
      throw new Error(`line ${line}: expected ${needed} columns, got ${cells.length}`);
    }
    const query = cells[q].trim();
    const docid = cells[d].trim();
    const text = cells[r].trim();
    if (!query) throw new Error(`line ${line}: column 'query': must not be blank`);
    if (!docid) throw new Error(`line ${line}: column 'docid': must not be blank`);
    if (!/^[+-]?\d+$/.test(text) || Number(text) < 0 || Number(text) > MAX_RATING) {
      throw new Error(`line ${line}: column 'rating': expected an integer 0..${MAX_RATING}, got '${text}'`);
    }
    const docs = ratings.get(query) ?? new Map();
    if (docs.has(docid)) {
      throw new Error(`line ${line}: column 'docid': '${docid}' is rated twice for '${query}'`);
    }
    docs.set(docid, Number(text));
    ratings.set(query, docs);
  }
  return ratings;
}

function dcg(ratings) {
  let sum = 0;
  ratings.forEach((rating, index) => {
    if (rating !== undefined && rating !== null) sum += (2 ** rating - 1) / Math.log2(index + 2);
  });
  return sum;
}

/** nDCG@k of `ranked` (doc ids, best first) against one query's ratings (Map docid -> rating). */
export function ndcgAtK(ranked, ratings, k = 10) {
  const hits = [...new Set(ranked)].slice(0, k);
  const ideal = [...ratings.values()].sort((a, b) => b - a).slice(0, hits.length);
  const idcg = dcg(ideal);
  return idcg === 0 ? 0 : dcg(hits.map((id) => ratings.get(id))) / idcg;
}
