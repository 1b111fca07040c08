"""Parses an exported model with the onnx package, runs its full checker, and prints what a user relies on as JSON.

With --no-check (a graph ONNX Runtime optimised, with its own operators) the checker is skipped."""
import json
import sys

import onnx

model = onnx.load(sys.argv[1])
if "--no-check" not in sys.argv[2:]:
    onnx.checker.check_model(model, full_check=True)
graph = model.graph


def dims(value):
    return [d.dim_param if d.HasField("dim_param") else d.dim_value for d in value.type.tensor_type.shape.dim]


print(json.dumps({
    "ir_version": model.ir_version,
    "opsets": {o.domain: o.version for o in model.opset_import},
    "input": dims(graph.input[0]),
    "output": dims(graph.output[0]),
    "nodes": [n.name for n in graph.node],
    "ops": sorted({n.op_type for n in graph.node}),
    "op_counts": {op: sum(1 for n in graph.node if n.op_type == op) for op in sorted({n.op_type for n in graph.node})},
    "initializers": {i.name: list(i.dims) for i in graph.initializer},
    "initializer_types": {i.name: onnx.TensorProto.DataType.Name(i.data_type) for i in graph.initializer},
    "value_info": {v.name: dims(v) for v in graph.value_info},
}, separators=(",", ":")))
