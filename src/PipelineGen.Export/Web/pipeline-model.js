// PipelineGen browser predictor, written by `export onnx` beside model.onnx (see docs/deploy-browser.md).
// Loads model.json (the feature columns, their kinds, training ranges and categories, the task) and model.onnx, and
// scores rows with onnxruntime-web's WebAssembly backend. No network access beyond the folder this file is served from.
import * as ort from './ort/ort.wasm.min.mjs';

const here = new URL('./', import.meta.url);
// One thread: multi-threaded WebAssembly needs cross-origin isolation headers a plain static server does not send.
ort.env.wasm.numThreads = 1;
// The .wasm and its loader are vendored next to ort.wasm.min.mjs; never a CDN.
ort.env.wasm.wasmPaths = new URL('./ort/', here).href;

/** A row lacks values the model needs; `fields` names them (and `row` is the 0-based row for predictRows). */
export class MissingFieldError extends Error {
  constructor(fields, row) {
    super((row === undefined ? '' : `row ${row}: `) +
      `missing value for ${fields.length === 1 ? 'field' : 'fields'} ${fields.map(f => `'${f}'`).join(', ')}; the model needs ${fields.length === 1 ? 'it' : 'them'}.`);
    this.name = 'MissingFieldError';
    this.fields = fields;
    this.row = row;
  }
}

/** A value that cannot be given to its column (a number that is not a number, a boolean that is not true/false). */
export class FieldValueError extends Error {
  constructor(field, message, row) {
    super((row === undefined ? '' : `row ${row}: `) + `field '${field}': ${message}`);
    this.name = 'FieldValueError';
    this.field = field;
    this.row = row;
  }
}

export class PipelineModel {
  constructor(meta, session) {
    this.meta = meta;
    this.session = session;
  }

  /** The feature columns, in the order of model.json: { name, kind, tensorType, min, max, categories }. */
  get inputs() { return this.meta.inputs; }

  /** Names of the fields a row leaves undefined or empty (the form's check). */
  missingFields(row) {
    return this.meta.inputs.filter(c => row[c.name] === undefined || row[c.name] === '').map(c => c.name);
  }

  /**
   * Scores rows ({ column: value } objects) and returns one prediction per row, shaped as the CLI's `predict --json`
   * prints it: regression { Score }, binary { PredictedLabel, Score, Probability }, multiclass { PredictedLabel, Score }
   * with Score an object of class -> score. A column that is absent (undefined) is a MissingFieldError; null is a missing
   * value (NaN for a number, "" for a category), as in the CLI's JSON.
   */
  async predictRows(rows) {
    if (!Array.isArray(rows)) throw new TypeError('predictRows takes an array of row objects');
    if (rows.length === 0) return [];
    rows.forEach((row, i) => {
      const absent = this.meta.inputs.filter(c => row[c.name] === undefined).map(c => c.name);
      if (absent.length > 0) throw new MissingFieldError(absent, i);
    });
    // Text featurisation must be scored one row per run (docs/export.md); tabular graphs take the whole batch.
    const batches = this.meta.inputs.some(c => c.kind === 'text') ? rows.map(r => [r]) : [rows];
    const results = [];
    let offset = 0;
    for (const batch of batches) {
      const feeds = {};
      for (const column of this.meta.inputs)
        feeds[column.name] = tensor(column, batch.map((row, i) => convert(column, row[column.name], offset + i)));
      const outputs = await this.session.run(feeds);
      for (let i = 0; i < batch.length; i++) results.push(this.#prediction(outputs, i, batch.length));
      offset += batch.length;
    }
    return results;
  }

  #prediction(outputs, i, n) {
    const column = name => {
      const out = this.meta.outputs.find(o => o.name === name);
      const data = outputs[out.graphName].data;
      const width = data.length / n;
      return Array.from(data.slice(i * width, (i + 1) * width), Number);
    };
    const score = column('Score');
    switch (this.meta.task) {
      case 'regression':
        return { Score: score[0] };
      case 'binary': {
        const probability = column('Probability')[0];
        // As ML.NET decides: Score > the model's own threshold (0 unless its calibration moved it to where Probability
        // is 1/2), unless the spec sets task.threshold (then Probability >= threshold). Both compared as float32, as
        // predict compares them (0.7 as a double is above (float)0.7).
        const positive = this.meta.threshold == null
          ? score[0] > Math.fround(this.meta.scoreThreshold ?? 0)
          : probability >= Math.fround(this.meta.threshold);
        return { PredictedLabel: positive, Score: score[0], Probability: probability };
      }
      case 'multiclass': {
        let best = 0;
        for (let k = 1; k < score.length; k++) if (score[k] > score[best]) best = k;
        const scores = {};
        score.forEach((v, k) => { scores[this.meta.classes[k]] = v; });
        return { PredictedLabel: this.meta.classes[best], Score: scores };
      }
      default:
        throw new Error(`model.json has an unknown task '${this.meta.task}'`);
    }
  }
}

// A decimal number as ML.NET's loader reads one: digits, an optional fraction and exponent; no hex, binary, octal or Infinity.
const decimalNumber = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

function convert(column, value, row) {
  switch (column.tensorType) {
    case 'float32':
    case 'float64': {
      // null or an empty string is a missing value, read as NaN exactly as ML.NET's loader reads an empty cell.
      if (value === null || (typeof value === 'string' && value.trim() === '')) return NaN;
      // Only what predict and serve read: a decimal number that the tensor's type can hold. JavaScript's Number() also
      // takes '0x10', '0b1010' and 'Infinity', and 1e39 becomes Infinity in a float32: the page scored those silently
      // where predict and serve refuse the row.
      const text = typeof value === 'number' ? null : String(value).trim();
      if (typeof value === 'boolean' || (text !== null && !decimalNumber.test(text)))
        throw new FieldValueError(column.name, `'${value}' is not a number (the column is numeric: write a decimal number such as 12.5; null is a missing value)`, row);
      const number = text === null ? value : Number(text);
      const stored = column.tensorType === 'float32' ? Math.fround(number) : number;
      if (!Number.isNaN(number) && !Number.isFinite(stored))
        throw new FieldValueError(column.name, `${value} is outside the range of ${column.tensorType === 'float32' ? 'a 32-bit float (about ±3.4e38)' : 'a finite number'}`, row);
      return number;
    }
    case 'string':
      return value === null ? '' : String(value);
    case 'bool':
      if (value === true || value === 'true' || value === 'True') return true;
      if (value === false || value === 'false' || value === 'False') return false;
      throw new FieldValueError(column.name, `'${value}' is not true or false`, row);
    default:
      throw new FieldValueError(column.name, `the model takes a ${column.tensorType} tensor, which this page does not feed`, row);
  }
}

function tensor(column, values) {
  const dims = [values.length, 1];
  switch (column.tensorType) {
    case 'float32': return new ort.Tensor('float32', Float32Array.from(values), dims);
    case 'float64': return new ort.Tensor('float64', Float64Array.from(values), dims);
    case 'string': return new ort.Tensor('string', values, dims);
    case 'bool': return new ort.Tensor('bool', values, dims);
  }
}

let loaded;

/** Loads model.json and model.onnx from the folder this module is served from (once). */
export function loadModel() {
  loaded ??= (async () => {
    const response = await fetch(new URL('model.json', here));
    if (!response.ok) throw new Error(`model.json could not be loaded from ${here} (HTTP ${response.status})`);
    const meta = await response.json();
    const session = await ort.InferenceSession.create(new URL(meta.model, here).href, { executionProviders: ['wasm'] });
    return new PipelineModel(meta, session);
  })();
  return loaded;
}

/** Batch API: scores an array of row objects with the bundle's model (see PipelineModel.predictRows). */
export async function predictRows(rows) {
  return (await loadModel()).predictRows(rows);
}
