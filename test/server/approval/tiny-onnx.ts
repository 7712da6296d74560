// Runs in: node (tests). Writes a tiny but real ONNX sentence encoder folder (graph, tokenizer,
// config) laid out as transformers.js expects under resources/models/<name>/, so the ONNX
// loading path is tested without downloading a model. The graph is a word-embedding lookup
// masked by attention_mask: texts that share words get closer vectors, which is enough to
// check pooling and normalisation end to end.
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const PYTHON = '/usr/bin/python3';

const VOCAB = ['[PAD]', '[UNK]', 'the', 'cat', 'dog', 'nabi', 'gwangju', 'busan', 'city', 'my', 'is', 'called'];
export const TINY_DIMENSIONS = 8;

// Three inputs, as BERT exports have: token_type_ids is declared and ignored by the graph
// (but fed by transformers.js), which is what real models do with single-segment text.
const GRAPH = `
import sys, numpy as np, onnx
from onnx import helper, TensorProto, numpy_helper
vocab, dim, out = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
rng = np.random.default_rng(7)
table = rng.standard_normal((vocab, dim)).astype(np.float32)
nodes = [
    helper.make_node('Gather', ['table', 'input_ids'], ['embedded'], axis=0),
    helper.make_node('Unsqueeze', ['attention_mask', 'last_axis'], ['mask3']),
    helper.make_node('Cast', ['mask3'], ['maskf'], to=TensorProto.FLOAT),
    helper.make_node('Mul', ['embedded', 'maskf'], ['masked']),
    helper.make_node('Mul', ['token_type_ids', 'zero_i'], ['types0']),
    helper.make_node('Cast', ['types0'], ['types0f'], to=TensorProto.FLOAT),
    helper.make_node('Unsqueeze', ['types0f', 'last_axis'], ['types3']),
    helper.make_node('Add', ['masked', 'types3'], ['last_hidden_state']),
]
graph = helper.make_graph(
    nodes, 'tiny-encoder',
    [helper.make_tensor_value_info(n, TensorProto.INT64, ['batch', 'sequence'])
     for n in ('input_ids', 'attention_mask', 'token_type_ids')],
    [helper.make_tensor_value_info('last_hidden_state', TensorProto.FLOAT, ['batch', 'sequence', dim])],
    [numpy_helper.from_array(table, 'table'),
     numpy_helper.from_array(np.array([2], dtype=np.int64), 'last_axis'),
     numpy_helper.from_array(np.array(0, dtype=np.int64), 'zero_i')])
model = helper.make_model(graph, opset_imports=[helper.make_opsetid('', 13)])
model.ir_version = 8
onnx.checker.check_model(model)
onnx.save(model, out)
`;

/** True when /usr/bin/python3 can import onnx (Debian's python3-onnx). */
export function pythonOnnxAvailable(): boolean {
  const probe = spawnSync(PYTHON, ['-c', 'import onnx, numpy'], { encoding: 'utf8' });
  return probe.status === 0;
}

/** Creates `<root>/<name>/` with onnx/model.onnx, tokenizer.json, tokenizer_config.json, config.json. */
export function writeTinyOnnxModel(root: string, name: string): string {
  const dir = join(root, name);
  mkdirSync(join(dir, 'onnx'), { recursive: true });
  const made = spawnSync(PYTHON, ['-c', GRAPH, String(VOCAB.length), String(TINY_DIMENSIONS), join(dir, 'onnx', 'model.onnx')], {
    encoding: 'utf8',
  });
  if (made.status !== 0) throw new Error(`python3 could not build the tiny ONNX model: ${made.stderr}`);
  const tokenizer = {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: [
      { id: 0, content: '[PAD]', single_word: false, lstrip: false, rstrip: false, normalized: false, special: true },
      { id: 1, content: '[UNK]', single_word: false, lstrip: false, rstrip: false, normalized: false, special: true },
    ],
    normalizer: { type: 'Lowercase' },
    pre_tokenizer: { type: 'Whitespace' },
    post_processor: null,
    decoder: null,
    model: { type: 'WordLevel', vocab: Object.fromEntries(VOCAB.map((w, i) => [w, i])), unk_token: '[UNK]' },
  };
  writeFileSync(join(dir, 'tokenizer.json'), JSON.stringify(tokenizer));
  writeFileSync(
    join(dir, 'tokenizer_config.json'),
    JSON.stringify({ tokenizer_class: 'PreTrainedTokenizerFast', pad_token: '[PAD]', unk_token: '[UNK]', model_max_length: 128 }),
  );
  writeFileSync(
    join(dir, 'config.json'),
    JSON.stringify({ model_type: 'bert', architectures: ['BertModel'], hidden_size: TINY_DIMENSIONS, vocab_size: VOCAB.length }),
  );
  return dir;
}
