import {
  Background,
  Controls,
  Handle,
  MiniMap,
  Position,
  ReactFlow,
  ReactFlowProvider,
  useReactFlow,
  type Edge,
  type Node,
  type NodeProps,
} from "@xyflow/react";
import "@xyflow/react/dist/style.css";
import { Alert, Button, Drawer, Form, Input, Select, Space, Spin, Tag, Typography } from "antd";
import { useEffect, useMemo, useState } from "react";
import { useTranslation } from "react-i18next";
import { Link, useNavigate, useParams } from "react-router";
import { useSignedQuery } from "../../../api/hooks.ts";
import { layoutLineage, NODE_HEIGHT, NODE_WIDTH } from "./layout.ts";
import type { LineageDocument } from "../../../../../../core/lineage-graph.ts";
import { lineageElements, type GraphNode, type NodeKind } from "./lineage-model.ts";
import { NodeRecord } from "./NodeRecord.tsx";
import "./graph.css";

const KINDS: readonly NodeKind[] = ["resource", "hop", "artifact", "delivery", "recipient"];
type FlowNode = Node<{ node: GraphNode }, "lineage">;

function LineageNode({ data }: NodeProps<FlowNode>) {
  const { t } = useTranslation("graph");
  const n = data.node;
  // A button, so the keyboard reaches every node; its click reaches onNodeClick.
  return (
    <>
      <Handle type="target" position={Position.Left} isConnectable={false} />
      <button
        type="button"
        className={`lineage-node lineage-${n.kind}`}
        style={{ width: NODE_WIDTH, height: NODE_HEIGHT }}
      >
        <span className="visually-hidden">{t(`kind.${n.kind}`)} </span>
        <span className="lineage-node-label">{n.label}</span> <span className="lineage-node-detail">{n.detail}</span>
      </button>
      <Handle type="source" position={Position.Right} isConnectable={false} />
    </>
  );
}
const NODE_TYPES = { lineage: LineageNode };

/** The product id field shows the product on screen, also when the page was opened by its address. */
function ProductPicker({ productId }: { productId: string | undefined }) {
  const { t } = useTranslation("graph");
  const navigate = useNavigate();
  return (
    <Form
      key={productId ?? ""}
      initialValues={{ productId }}
      layout="inline"
      onFinish={(v: { productId: string }) =>
        void navigate(`/supervisor/graph/${encodeURIComponent(v.productId.trim())}`)
      }
    >
      <Form.Item name="productId" label={t("productId")} rules={[{ required: true, whitespace: true }]}>
        <Input />
      </Form.Item>
      <Form.Item>
        <Button type="primary" htmlType="submit">
          {t("open")}
        </Button>
      </Form.Item>
    </Form>
  );
}

/**
 * The lineage graph of a product as the caller may see it (the lineage route filters), laid out
 * automatically; every node is a button that opens its signed record and its receipt, verified
 * live in the browser. A finder centres any node, so a graph of hundreds stays navigable.
 */
export default function GraphPage() {
  const { t } = useTranslation("graph");
  const { productId } = useParams();
  const q = useSignedQuery<LineageDocument>(
    productId ? `/v1/products/${encodeURIComponent(productId)}/lineage` : undefined,
  );
  return (
    <div className="lineage-page">
      <Typography.Title level={2}>{t("title")}</Typography.Title>
      <ProductPicker productId={productId} />
      {productId && q.isLoading && <Spin />}
      {q.error && <Alert type="error" showIcon title={`${t("common:requestFailed")}: ${q.error.message}`} />}
      {q.data && (
        <ReactFlowProvider>
          <Lineage doc={q.data} />
        </ReactFlowProvider>
      )}
    </div>
  );
}

function Lineage({ doc }: { doc: LineageDocument }) {
  const { t } = useTranslation("graph");
  const elements = useMemo(() => {
    performance.mark("pdl:lineage-data");
    return lineageElements(doc);
  }, [doc]);
  const [laid, setLaid] = useState<{ nodes: FlowNode[]; edges: Edge[] } | undefined>();
  const [open, setOpen] = useState<GraphNode | undefined>();
  const flow = useReactFlow();
  // A recipient's view carries the product's public facts only, not its grant.
  const grantId = doc.scope === "full" ? doc.product.grantId : undefined;

  useEffect(() => {
    let live = true;
    void layoutLineage(elements).then(({ positions }) => {
      if (!live) return;
      performance.mark("pdl:lineage-laid");
      setLaid({
        nodes: elements.nodes.map((n) => ({
          id: n.id,
          type: "lineage",
          position: positions.get(n.id) ?? { x: 0, y: 0 },
          data: { node: n },
          width: NODE_WIDTH,
          height: NODE_HEIGHT,
        })),
        edges: elements.edges.map((e) => ({ id: e.id, source: e.source, target: e.target })),
      });
    });
    return () => {
      live = false;
    };
  }, [elements]);

  useEffect(() => {
    // What bench:console reads: from the lineage's arrival to the laid-out graph on screen.
    if (laid) requestAnimationFrame(() => performance.mark("pdl:lineage-drawn"));
  }, [laid]);

  const find = (id: string) => {
    const node = laid?.nodes.find((n) => n.id === id);
    if (!node) return;
    void flow.setCenter(node.position.x + NODE_WIDTH / 2, node.position.y + NODE_HEIGHT / 2, { zoom: 1.2 });
    setOpen(node.data.node);
  };

  return (
    <>
      <Space wrap className="lineage-facts">
        <span>
          {t("product")}: <strong>{doc.product.id}</strong> {doc.product.name}
        </span>
        {grantId && (
          <span>
            {t("grant")}:{" "}
            <Link to={`/supervisor/grant/${encodeURIComponent(grantId)}`} aria-label={t("audit", { grant: grantId })}>
              <strong>{grantId}</strong>
            </Link>
          </span>
        )}
        <span className="lineage-counts">
          {t("counts", { nodes: elements.nodes.length, edges: elements.edges.length })}
        </span>
        {KINDS.map((k) => (
          <Tag key={k} className={`lineage-legend lineage-${k}`}>
            {t(`kind.${k}`)}
          </Tag>
        ))}
      </Space>
      {doc.scope === "recipient" && <Alert type="info" showIcon title={t("recipientScope")} />}
      {doc.unresolved.length > 0 && (
        <Alert type="warning" showIcon title={t("unresolved", { count: doc.unresolved.length })} />
      )}
      {elements.nodes.length === 0 ? (
        <Typography.Paragraph>{t("empty")}</Typography.Paragraph>
      ) : (
        <>
          <Select
            showSearch
            allowClear
            aria-label={t("find")}
            placeholder={t("findPlaceholder")}
            style={{ width: 360, margin: "12px 0" }}
            optionFilterProp="label"
            options={elements.nodes.map((n) => ({
              value: n.id,
              label: `${t(`kind.${n.kind}`)} ${n.label} ${n.detail}`,
            }))}
            onChange={(id: string | undefined) => id && find(id)}
          />
          <div className="lineage-canvas" role="region" aria-label={t("graphLabel")} data-nodes={elements.nodes.length}>
            {!laid && <Spin />}
            {laid && (
              <ReactFlow<FlowNode>
                nodes={laid.nodes}
                edges={laid.edges}
                nodeTypes={NODE_TYPES}
                nodesDraggable={false}
                nodesConnectable={false}
                nodesFocusable={false}
                edgesFocusable={false}
                elementsSelectable={false}
                onlyRenderVisibleElements
                fitView
                minZoom={0.05}
                maxZoom={2}
                proOptions={{ hideAttribution: true }}
                onNodeClick={(_, n) => setOpen(n.data.node)}
              >
                <Background />
                <Controls showInteractive={false} />
                <MiniMap pannable zoomable ariaLabel={t("graphLabel")} />
              </ReactFlow>
            )}
          </div>
        </>
      )}
      <Drawer
        open={open !== undefined}
        onClose={() => setOpen(undefined)}
        size="large"
        title={open ? `${t(`kind.${open.kind}`)} ${open.label}` : ""}
        destroyOnHidden
      >
        {open && <NodeRecord node={open} />}
      </Drawer>
    </>
  );
}
