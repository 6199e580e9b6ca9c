import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { HelixError } from '../../src/errors.js';
import { hardwareFor, loadHardwareCatalog } from '../../src/profiles/hardware.js';
import { readTimings } from '../../src/profiles/timings.js';
import { meanDecodeContext, parseWorkloadArg, workloadFromLengthsCsv } from '../../src/profiles/workload.js';

describe('workload', () => {
  it('IN:OUT gives the mean lengths', () => {
    const w = parseWorkloadArg('1379:28');
    expect([w.meanInput, w.meanOutput]).toEqual([1379, 28]);
    expect(meanDecodeContext(w)).toBe(1393);
  });

  it('a lengths CSV gives its means (the bundled Azure conversation trace, comments then a header: 763 in, 232 out)', () => {
    const w = parseWorkloadArg('profiles/workloads/azure-conv-lengths.csv');
    expect(w.meanInput).toBeCloseTo(763.08, 1);
    expect(w.meanOutput).toBeCloseTo(232.45, 1);
    expect(w.source).toMatch(/16657 requests/);
  });

  it('takes a header after comment lines, and refuses a third column', () => {
    expect(workloadFromLengthsCsv('# lengths\ninput,output\n10,2\n30,4\n', 'w.csv')).toMatchObject({ meanInput: 20, meanOutput: 3 });
    expect(() => workloadFromLengthsCsv('input,output\n500,300,extra\n', 'w.csv')).toThrow(/not a request-length line/);
    // Only the first line of content may be a header.
    try {
      workloadFromLengthsCsv('10,2\ninput,output\n', 'w.csv');
      expect.unreachable();
    } catch (e) {
      expect((e as HelixError).details.field).toBe('line 2');
    }
  });

  it('follows a header that names the columns the other way round, and refuses a file that is not UTF-8', () => {
    expect(workloadFromLengthsCsv('output_tokens,input_tokens\n20,100\n40,300\n', 'w.csv')).toMatchObject({ meanInput: 200, meanOutput: 30 });
    expect(workloadFromLengthsCsv('input_tokens,output_tokens\n100,20\n300,40\n', 'w.csv')).toMatchObject({ meanInput: 200, meanOutput: 30 });
    // The names traces use: the Azure traces' own, isl/osl, prefill/decode, new tokens.
    for (const header of ['GeneratedTokens,ContextTokens', 'osl,isl', 'decode_tokens,prefill_tokens', 'max_new_tokens,input_len', 'response_len,request_len']) {
      expect(workloadFromLengthsCsv(`${header}\n20,100\n40,300\n`, 'w.csv'), header).toMatchObject({ meanInput: 200, meanOutput: 30 });
    }
    for (const header of ['ContextTokens,GeneratedTokens', 'isl,osl', 'in,out']) {
      expect(workloadFromLengthsCsv(`${header}\n100,20\n300,40\n`, 'w.csv'), header).toMatchObject({ meanInput: 200, meanOutput: 30 });
    }
    expect(() => workloadFromLengthsCsv('input_tokens,prompt_len\n100,20\n', 'w.csv')).toThrow(/both columns read as input lengths/);
    // Other columns beside named ones: the Azure traces' own layout, an id column.
    expect(workloadFromLengthsCsv('TIMESTAMP,ContextTokens,GeneratedTokens\n2023-11-16 18:15:46,100,20\n2023-11-16 18:15:47,300,40\n', 'w.csv')).toMatchObject({ meanInput: 200, meanOutput: 30 });
    expect(workloadFromLengthsCsv('id,output_tokens,input_tokens\n1,20,100\n2,40,300\n', 'w.csv')).toMatchObject({ meanInput: 200, meanOutput: 30 });
    // Without a header that names them, a third column is still refused.
    expect(() => workloadFromLengthsCsv('id,a,b\n1,20,100\n', 'w.csv')).toThrow(/not a request-length line/);
    const dir = mkdtempSync(join(tmpdir(), 'helix-workload-'));
    const utf16 = join(dir, 'w16.csv');
    writeFileSync(utf16, Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('input,output\n10,2\n', 'utf16le')]));
    expect(() => parseWorkloadArg(utf16)).toThrow(/not UTF-8 text: byte 0xFF on line 1/);
  });

  it('rejects bad values with errors that say what was expected', () => {
    expect(() => parseWorkloadArg('0:10')).toThrow(/positive/);
    expect(() => parseWorkloadArg('no-such-file.csv')).toThrow(/IN:OUT/);
    expect(() => workloadFromLengthsCsv('in,out\n10,x\n', 'w.csv')).toThrow(HelixError);
    expect(() => workloadFromLengthsCsv('in,out\n', 'w.csv')).toThrow(/no requests/);
  });
});

describe('hardware catalog', () => {
  const catalog = loadHardwareCatalog('profiles/gpus.yaml');

  it('has figures for the modern types the issue names, and the measured ones', () => {
    const wanted = ['H100-80G', 'H100-PCIe-80G', 'H200', 'A100-40G', 'A100-80G', 'L40S', 'L4', 'A10G', 'T4', 'V100', 'RTX4090', 'MI300X', '2xL4', '2xT4', '4xT4'];
    for (const gpu of wanted) {
      const hw = hardwareFor(catalog, gpu, 'profiles/gpus.yaml');
      expect(hw.memoryBandwidth, gpu).toBeGreaterThan(1e11);
      expect(hw.fp16Flops, gpu).toBeGreaterThan(1e13);
      if (hw.gpus > 1) expect(hw.interconnect, gpu).toBeGreaterThan(0);
    }
    // Whole-machine figures: a 4xT4 has four T4s' bandwidth.
    expect(hardwareFor(catalog, '4xT4', '').memoryBandwidth).toBeCloseTo(4 * hardwareFor(catalog, 'T4', '').memoryBandwidth, 0);
  });

  it('explains what is missing for a type it cannot estimate', () => {
    const dir = mkdtempSync(join(tmpdir(), 'helix-hw-'));
    writeFileSync(join(dir, 'gpus.yaml'), 'gpus:\n  X: { vram: 16GB, nic: 10Gbps }\n  2xY: { vram: 32GB, nic: 10Gbps, gpus: 2, memoryBandwidth: 1TB/s, fp16Flops: 1e14 }\n');
    const c = loadHardwareCatalog(join(dir, 'gpus.yaml'));
    expect(() => hardwareFor(c, 'X', 'f')).toThrow(/memoryBandwidth, fp16Flops/);
    expect(() => hardwareFor(c, '2xY', 'f')).toThrow(/interconnect/);
    expect(() => hardwareFor(c, 'Z', 'f')).toThrow(/unknown GPU type/);
  });
});

describe('readTimings', () => {
  it('reads a profiling folder of two CSVs or a layer-time YAML', () => {
    const dir = mkdtempSync(join(tmpdir(), 'helix-tm-'));
    mkdirSync(join(dir, 'a'));
    writeFileSync(join(dir, 'a', 'prompt_bs2time.csv'), '0,0\n500,4\n');
    writeFileSync(join(dir, 'a', 'decode_bs2time.csv'), '0,0\n8,1.4\n');
    expect(readTimings(join(dir, 'a')).times.prompt.points).toEqual([
      [0, 0],
      [500, 4],
    ]);
    expect(readTimings('profiles/layer-time/llama2-70b/T4.yaml').times.decode.points.length).toBeGreaterThan(10);
    expect(() => readTimings(join(dir, 'nope'))).toThrow(/not found/);
    mkdirSync(join(dir, 'half'));
    writeFileSync(join(dir, 'half', 'prompt_bs2time.csv'), '0,0\n500,4\n');
    try {
      readTimings(join(dir, 'half'));
      expect.unreachable();
    } catch (e) {
      expect((e as HelixError).details.file).toBe(join(dir, 'half', 'decode_bs2time.csv'));
    }
  });

  it('refuses a CSV that is not UTF-8 (naming the byte), and one CSV given for the pair', () => {
    const dir = mkdtempSync(join(tmpdir(), 'helix-tm-'));
    mkdirSync(join(dir, 'latin'));
    writeFileSync(join(dir, 'latin', 'prompt_bs2time.csv'), Buffer.from('batch,t (\xb5s)\n0,0\n128,900\n', 'latin1'));
    writeFileSync(join(dir, 'latin', 'decode_bs2time.csv'), '0,0\n8,1.4\n');
    expect(() => readTimings(join(dir, 'latin'))).toThrow(/not UTF-8 text: byte 0xB5 on line 1/);
    expect(() => readTimings(join(dir, 'latin', 'decode_bs2time.csv'))).toThrow(/a single CSV is half the timings/);
  });
});
