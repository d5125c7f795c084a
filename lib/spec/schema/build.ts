/** spec.models[].build: compile the model on the target GPU before it is served (Triton TensorRT plans). */
import { Type } from '@sinclair/typebox';
import { Obj, Opt, PositiveInt } from './common';

/** A file inside a model version directory. */
const VERSION_FILE = '^[A-Za-z0-9_][A-Za-z0-9_.-]*(/[A-Za-z0-9_][A-Za-z0-9_.-]*)*$';

const Shapes = (which: string) => Type.Record(
  Type.String({ pattern: '^[A-Za-z0-9_.:/-]+$' }),
  Type.Array(PositiveInt('A dimension.'), { minItems: 1, maxItems: 8 }),
  { additionalProperties: false, description: `trtexec --${which}: input tensor name -> full shape, the batch dimension first when maxBatchSize > 0, e.g. { images: [1, 3, 640, 640] }.` },
);

export const BuildSchema = Obj({
  tensorrt: Obj({
    onnx: Opt(Type.String({ pattern: VERSION_FILE, maxLength: 253, description: 'The ONNX file inside each version directory of the model. @default - model.onnx' })),
    precision: Opt(Type.Union([Type.Literal('FP32'), Type.Literal('FP16'), Type.Literal('INT8')], {
      description: 'TensorRT 10 and older (Triton 26.05 and older): FP16 adds --fp16, INT8 adds --int8 with calibrationCache. TensorRT 11 (Triton 26.06 and later) builds strongly typed networks whose precision comes from the ONNX file, so only FP32 (no flag) is accepted there. @default - FP32: no precision flag',
    })),
    calibrationCache: Opt(Type.String({ pattern: VERSION_FILE, maxLength: 253, description: 'INT8 calibration cache inside each version directory (trtexec --calib). Required with precision INT8.' })),
    minShapes: Opt(Shapes('minShapes')),
    optShapes: Opt(Shapes('optShapes')),
    maxShapes: Opt(Shapes('maxShapes')),
    image: Opt(Type.String({ minLength: 1, description: 'Image with trtexec. @default - nvcr.io/nvidia/tensorrt:<YY.MM>-py3 of the release of the serving image (nvcr.io/nvidia/tritonserver:<YY.MM>-py3): an engine only loads in the TensorRT version that built it' })),
    timeoutSeconds: Opt(PositiveInt('Job activeDeadlineSeconds of one build. Serving pods wait for their plans up to the longest timeoutSeconds of their builds plus 300 seconds, then fail. @default - 3600')),
  }, { description: 'Build a TensorRT plan (model.plan) from the ONNX file of each listed version with trtexec, in a Job on the GPU product the pods run on; the pods wait for it.' }),
}, { description: 'Compile the model before serving it. runtime triton, format tensorrt.' });
