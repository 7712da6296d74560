// Runs in: node (type-checking only). The slice of Electron's API the shell uses, declared here
// because the `electron` package (and with it electron.d.ts) cannot be installed on this build
// machine: its postinstall downloads the binary. Shapes follow Electron 41's electron.d.ts. When
// node_modules/electron is present, delete this file (its `declare module 'electron'` would clash
// with Electron's own) — nothing else changes, the code already uses Electron's names.

declare module 'electron' {
  type Listener = (...args: never[]) => void;

  interface Rectangle {
    x: number;
    y: number;
    width: number;
    height: number;
  }

  interface Display {
    id: number;
    label: string;
    bounds: Rectangle;
    workArea: Rectangle;
  }

  interface Input {
    type: string;
    key: string;
    code: string;
    control: boolean;
    meta: boolean;
    alt: boolean;
    shift: boolean;
  }

  interface Event {
    preventDefault(): void;
  }

  interface HandlerDetails {
    url: string;
  }

  interface PermissionRequestDetails {
    requestingUrl?: string;
    isMainFrame?: boolean;
    mediaTypes?: ('video' | 'audio')[];
  }

  interface PermissionCheckDetails {
    requestingUrl?: string;
    isMainFrame?: boolean;
    mediaType?: 'video' | 'audio' | 'unknown';
  }

  interface Protocol {
    registerSchemesAsPrivileged(
      schemes: { scheme: string; privileges: Record<string, boolean> }[],
    ): void;
    handle(scheme: string, handler: (request: Request) => Response | Promise<Response>): void;
  }

  interface Session {
    protocol: Protocol;
    setPermissionRequestHandler(
      handler: (
        webContents: WebContents,
        permission: string,
        callback: (granted: boolean) => void,
        details: PermissionRequestDetails,
      ) => void,
    ): void;
    setPermissionCheckHandler(
      handler: (webContents: WebContents | null, permission: string, requestingOrigin: string, details: PermissionCheckDetails) => boolean,
    ): void;
    setDevicePermissionHandler(handler: (details: unknown) => boolean): void;
  }

  interface WebContents {
    readonly id: number;
    readonly session: Session;
    getURL(): string;
    send(channel: string, ...args: unknown[]): void;
    isDestroyed(): boolean;
    setWindowOpenHandler(handler: (details: HandlerDetails) => { action: 'deny' } | { action: 'allow' }): void;
    on(event: 'will-navigate' | 'will-redirect', listener: (event: Event & { url: string }, url: string) => void): this;
    on(event: 'will-attach-webview', listener: (event: Event) => void): this;
    on(event: 'before-input-event', listener: (event: Event, input: Input) => void): this;
    on(
      event: 'did-fail-load',
      listener: (event: Event, errorCode: number, errorDescription: string, validatedURL: string, isMainFrame: boolean) => void,
    ): this;
  }

  interface BrowserWindowConstructorOptions {
    x?: number;
    y?: number;
    width?: number;
    height?: number;
    show?: boolean;
    title?: string;
    kiosk?: boolean;
    fullscreen?: boolean;
    autoHideMenuBar?: boolean;
    backgroundColor?: string;
    webPreferences?: WebPreferences;
  }

  interface WebPreferences {
    preload?: string;
    contextIsolation?: boolean;
    sandbox?: boolean;
    nodeIntegration?: boolean;
    nodeIntegrationInWorker?: boolean;
    nodeIntegrationInSubFrames?: boolean;
    webSecurity?: boolean;
    allowRunningInsecureContent?: boolean;
    experimentalFeatures?: boolean;
    webviewTag?: boolean;
    navigateOnDragDrop?: boolean;
    spellcheck?: boolean;
    disableBlinkFeatures?: string;
    partition?: string;
    devTools?: boolean;
  }

  class BrowserWindow {
    constructor(options?: BrowserWindowConstructorOptions);
    readonly webContents: WebContents;
    loadURL(url: string): Promise<void>;
    show(): void;
    focus(): void;
    close(): void;
    restore(): void;
    isMinimized(): boolean;
    setBounds(bounds: Partial<Rectangle>): void;
    once(event: 'ready-to-show', listener: () => void): this;
    on(event: 'closed', listener: () => void): this;
  }

  interface App {
    readonly isPackaged: boolean;
    whenReady(): Promise<void>;
    getPath(name: 'userData' | 'logs' | 'crashDumps' | 'temp' | 'documents'): string;
    setPath(name: 'userData' | 'logs' | 'crashDumps', path: string): void;
    getAppPath(): string;
    getVersion(): string;
    requestSingleInstanceLock(): boolean;
    setLoginItemSettings(settings: { openAtLogin: boolean; openAsHidden?: boolean }): void;
    quit(): void;
    exit(code?: number): void;
    on(event: 'second-instance', listener: () => void): this;
    on(event: 'before-quit', listener: (event: Event) => void): this;
    on(event: 'window-all-closed', listener: () => void): this;
  }

  interface Screen {
    getAllDisplays(): Display[];
    getPrimaryDisplay(): Display;
    on(event: 'display-added' | 'display-removed' | 'display-metrics-changed', listener: Listener): this;
  }

  interface Readable {
    on(event: 'data', listener: (chunk: Buffer) => void): this;
    on(event: 'end', listener: () => void): this;
  }

  interface UtilityProcess {
    readonly pid: number | undefined;
    readonly stdout: Readable | null;
    readonly stderr: Readable | null;
    postMessage(message: unknown): void;
    kill(): boolean;
    on(event: 'message', listener: (message: unknown) => void): this;
    on(event: 'exit', listener: (code: number) => void): this;
    on(event: 'spawn', listener: () => void): this;
  }

  interface IpcMainInvokeEvent {
    sender: WebContents;
    senderFrame: { url: string; parent: unknown } | null;
  }

  interface IpcRendererEvent {
    sender: unknown;
  }

  export const app: App;
  export { BrowserWindow };
  export const screen: Screen;
  export const protocol: Protocol;
  export const session: { fromPartition(partition: string): Session; defaultSession: Session };
  export const ipcMain: { handle(channel: string, listener: (event: IpcMainInvokeEvent, ...args: unknown[]) => unknown): void };
  export const utilityProcess: {
    fork(modulePath: string, args?: string[], options?: { serviceName?: string; stdio?: 'pipe' | 'ignore' | 'inherit'; env?: Record<string, string> }): UtilityProcess;
  };
  export const safeStorage: {
    isEncryptionAvailable(): boolean;
    encryptString(plainText: string): Buffer;
    decryptString(encrypted: Buffer): string;
    getSelectedStorageBackend(): string;
  };
  export const crashReporter: { start(options: { uploadToServer: boolean; submitURL?: string; compress?: boolean }): void };
  interface FileFilter {
    name: string;
    extensions: string[];
  }
  interface OpenDialogOptions {
    title?: string;
    properties?: ('openFile' | 'openDirectory' | 'multiSelections')[];
    filters?: FileFilter[];
  }
  interface SaveDialogOptions {
    title?: string;
    defaultPath?: string;
    filters?: FileFilter[];
  }
  export const dialog: {
    showOpenDialog(window: BrowserWindow, options: OpenDialogOptions): Promise<{ canceled: boolean; filePaths: string[] }>;
    showOpenDialog(options: OpenDialogOptions): Promise<{ canceled: boolean; filePaths: string[] }>;
    showSaveDialog(window: BrowserWindow, options: SaveDialogOptions): Promise<{ canceled: boolean; filePath?: string }>;
    showSaveDialog(options: SaveDialogOptions): Promise<{ canceled: boolean; filePath?: string }>;
    showMessageBox(options: { type?: string; title?: string; message: string; detail?: string }): Promise<{ response: number }>;
    showErrorBox(title: string, content: string): void;
  };
  export const shell: { openPath(path: string): Promise<string> };
  export const contextBridge: { exposeInMainWorld(apiKey: string, api: unknown): void };
  export const ipcRenderer: {
    invoke(channel: string, ...args: unknown[]): Promise<unknown>;
    on(channel: string, listener: (event: IpcRendererEvent, ...args: never[]) => void): unknown;
    removeListener(channel: string, listener: (...args: never[]) => void): unknown;
  };
  export type { Display, IpcMainInvokeEvent, IpcRendererEvent, Session, WebContents };
}
