// dmn-moddle ships no types: the one call build_tools/interchange/dmn_eval.mjs makes.
declare module "dmn-moddle" {
  export class DmnModdle {
    // biome-ignore lint/suspicious/noExplicitAny: the model's elements are untyped, read by name
    fromXML(xml: string): Promise<{ rootElement: any }>;
  }
}
