/** ECharts with only the parts the dashboard uses (a smaller bundle); nothing loaded from outside. */
import * as echarts from 'echarts/core';
import {
  BarChart,
  HeatmapChart,
  LineChart,
  LinesChart,
  MapChart,
  ScatterChart,
} from 'echarts/charts';
import {
  AriaComponent,
  DataZoomComponent,
  GeoComponent,
  GridComponent,
  LegendComponent,
  MarkLineComponent,
  TooltipComponent,
  VisualMapComponent,
} from 'echarts/components';
import { CanvasRenderer } from 'echarts/renderers';

echarts.use([
  BarChart,
  LineChart,
  MapChart,
  LinesChart,
  ScatterChart,
  HeatmapChart,
  AriaComponent,
  DataZoomComponent,
  GeoComponent,
  GridComponent,
  LegendComponent,
  MarkLineComponent,
  TooltipComponent,
  VisualMapComponent,
  CanvasRenderer,
]);

export { echarts };

/** Okabe–Ito: told apart with the common colour-vision deficiencies. */
export const CATEGORICAL = [
  '#0072B2',
  '#E69F00',
  '#009E73',
  '#CC79A7',
  '#56B4E9',
  '#D55E00',
  '#F0E442',
  '#000000',
];
/** Viridis, light to dark: ordered in lightness, readable in grey and with colour-blindness. */
export const SEQUENTIAL = [
  '#fde725',
  '#90d743',
  '#35b779',
  '#21918c',
  '#31688e',
  '#443983',
  '#440154',
];
