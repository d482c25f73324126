; ParkPlan installer for Windows (NSIS 3, Unicode). Built by packaging/windows.sh:
;   makensis -DVERSION=0.1.0 -DSTAGE=<folder with the files> -DOUTFILE=<setup.exe> parkplan.nsi
; Per-user install without admin rights: %LOCALAPPDATA%\Programs\ParkPlan, registry
; under HKCU only. Start-menu entry, optional desktop shortcut, .parkplan files open
; with ParkPlan (with the ParkPlan icon), the sample map beside the program, and an
; uninstaller listed in Settings > Apps.

; 64-bit installer (the program is 64-bit only); Unicode.
Target amd64-unicode
!include "MUI2.nsh"

!ifndef VERSION
  !error "pass -DVERSION=x.y.z"
!endif
!ifndef STAGE
  !error "pass -DSTAGE=<folder holding parkplan.exe, parkplan-cli.exe, parkplan.ico, maps\>"
!endif
!ifndef OUTFILE
  !define OUTFILE "ParkPlan-Setup-${VERSION}.exe"
!endif

!define APP "ParkPlan"
!define UNINST_KEY "Software\Microsoft\Windows\CurrentVersion\Uninstall\ParkPlan"
!define PROGID "ParkPlan.Project"

Name "${APP} ${VERSION}"
OutFile "${OUTFILE}"
RequestExecutionLevel user
InstallDir "$LOCALAPPDATA\Programs\${APP}"
InstallDirRegKey HKCU "Software\${APP}" "InstallDir"
SetCompressor /SOLID lzma
ShowInstDetails show

VIProductVersion "${VERSION}.0"
VIAddVersionKey /LANG=0 "ProductName" "${APP}"
VIAddVersionKey /LANG=0 "ProductVersion" "${VERSION}"
VIAddVersionKey /LANG=0 "FileVersion" "${VERSION}"
VIAddVersionKey /LANG=0 "FileDescription" "${APP} installer"
VIAddVersionKey /LANG=0 "LegalCopyright" "MIT OR Apache-2.0"

!define MUI_ICON "${STAGE}\parkplan.ico"
!define MUI_UNICON "${STAGE}\parkplan.ico"
!define MUI_ABORTWARNING
!define MUI_FINISHPAGE_RUN "$INSTDIR\parkplan.exe"

!insertmacro MUI_PAGE_WELCOME
!insertmacro MUI_PAGE_COMPONENTS
!insertmacro MUI_PAGE_DIRECTORY
!insertmacro MUI_PAGE_INSTFILES
!insertmacro MUI_PAGE_FINISH
!insertmacro MUI_UNPAGE_CONFIRM
!insertmacro MUI_UNPAGE_INSTFILES

!insertmacro MUI_LANGUAGE "SimpChinese"
!insertmacro MUI_LANGUAGE "English"

LangString SecApp ${LANG_SIMPCHINESE} "ParkPlan 程序和示例地图"
LangString SecApp ${LANG_ENGLISH} "ParkPlan and the sample map"
LangString SecDesktop ${LANG_SIMPCHINESE} "桌面快捷方式"
LangString SecDesktop ${LANG_ENGLISH} "Desktop shortcut"
LangString SecAssoc ${LANG_SIMPCHINESE} "用 ParkPlan 打开 .parkplan 规划项目文件"
LangString SecAssoc ${LANG_ENGLISH} "Open .parkplan planning projects with ParkPlan"
LangString ProjectType ${LANG_SIMPCHINESE} "ParkPlan 规划项目"
LangString ProjectType ${LANG_ENGLISH} "ParkPlan planning project"
LangString SampleLink ${LANG_SIMPCHINESE} "ParkPlan 示例地图"
LangString SampleLink ${LANG_ENGLISH} "ParkPlan sample map"

Function .onInit
  !insertmacro MUI_LANGDLL_DISPLAY
FunctionEnd

Section "!$(SecApp)" SEC_APP
  SectionIn RO
  SetShellVarContext current
  SetOutPath "$INSTDIR"
  File "${STAGE}\parkplan.exe"
  File "${STAGE}\parkplan-cli.exe"
  File "${STAGE}\parkplan.ico"
  File "${STAGE}\README.md"
  File "${STAGE}\CHANGELOG.md"
  File "${STAGE}\OFL.txt"
  ; The sample map: src/ui/app.rs sample_map_path() looks beside the executable.
  SetOutPath "$INSTDIR\maps\jingzhou-etdz"
  File /r "${STAGE}\maps\jingzhou-etdz\*.*"
  SetOutPath "$INSTDIR"

  CreateDirectory "$SMPROGRAMS\${APP}"
  CreateShortcut "$SMPROGRAMS\${APP}\${APP}.lnk" "$INSTDIR\parkplan.exe" "" "$INSTDIR\parkplan.ico" 0
  CreateShortcut "$SMPROGRAMS\${APP}\$(SampleLink).lnk" "$INSTDIR\maps\jingzhou-etdz"
  CreateShortcut "$SMPROGRAMS\${APP}\Uninstall ${APP}.lnk" "$INSTDIR\uninstall.exe"

  WriteUninstaller "$INSTDIR\uninstall.exe"
  WriteRegStr HKCU "Software\${APP}" "InstallDir" "$INSTDIR"
  WriteRegStr HKCU "${UNINST_KEY}" "DisplayName" "${APP}"
  WriteRegStr HKCU "${UNINST_KEY}" "DisplayVersion" "${VERSION}"
  WriteRegStr HKCU "${UNINST_KEY}" "Publisher" "${APP}"
  WriteRegStr HKCU "${UNINST_KEY}" "DisplayIcon" "$INSTDIR\parkplan.ico"
  WriteRegStr HKCU "${UNINST_KEY}" "InstallLocation" "$INSTDIR"
  WriteRegStr HKCU "${UNINST_KEY}" "UninstallString" '"$INSTDIR\uninstall.exe"'
  WriteRegStr HKCU "${UNINST_KEY}" "QuietUninstallString" '"$INSTDIR\uninstall.exe" /S'
  WriteRegDWORD HKCU "${UNINST_KEY}" "NoModify" 1
  WriteRegDWORD HKCU "${UNINST_KEY}" "NoRepair" 1
SectionEnd

Section "$(SecDesktop)" SEC_DESKTOP
  SetShellVarContext current
  CreateShortcut "$DESKTOP\${APP}.lnk" "$INSTDIR\parkplan.exe" "" "$INSTDIR\parkplan.ico" 0
SectionEnd

Section "$(SecAssoc)" SEC_ASSOC
  ; Per-user file association (HKCU\Software\Classes needs no admin rights).
  WriteRegStr HKCU "Software\Classes\.parkplan" "" "${PROGID}"
  WriteRegStr HKCU "Software\Classes\.parkplan" "Content Type" "application/x-parkplan"
  WriteRegStr HKCU "Software\Classes\${PROGID}" "" "$(ProjectType)"
  WriteRegStr HKCU "Software\Classes\${PROGID}\DefaultIcon" "" "$INSTDIR\parkplan.ico,0"
  WriteRegStr HKCU "Software\Classes\${PROGID}\shell\open\command" "" '"$INSTDIR\parkplan.exe" "%1"'
  WriteRegStr HKCU "Software\Classes\Applications\parkplan.exe\shell\open\command" "" '"$INSTDIR\parkplan.exe" "%1"'
  ; SHCNE_ASSOCCHANGED: Explorer shows the new icon without a restart.
  System::Call 'shell32::SHChangeNotify(i 0x08000000, i 0, p 0, p 0)'
SectionEnd

Section "Uninstall"
  SetShellVarContext current
  Delete "$DESKTOP\${APP}.lnk"
  RMDir /r "$SMPROGRAMS\${APP}"
  Delete "$INSTDIR\parkplan.exe"
  Delete "$INSTDIR\parkplan-cli.exe"
  Delete "$INSTDIR\parkplan.ico"
  Delete "$INSTDIR\README.md"
  Delete "$INSTDIR\CHANGELOG.md"
  Delete "$INSTDIR\OFL.txt"
  ; Only the files the installer put there: a planner's own files in maps\ stay.
  RMDir /r "$INSTDIR\maps\jingzhou-etdz"
  RMDir "$INSTDIR\maps"
  Delete "$INSTDIR\uninstall.exe"
  RMDir "$INSTDIR"
  ; The association only if it is still ours.
  ReadRegStr $0 HKCU "Software\Classes\.parkplan" ""
  StrCmp $0 "${PROGID}" 0 +2
    DeleteRegKey HKCU "Software\Classes\.parkplan"
  DeleteRegKey HKCU "Software\Classes\${PROGID}"
  DeleteRegKey HKCU "Software\Classes\Applications\parkplan.exe"
  DeleteRegKey HKCU "${UNINST_KEY}"
  DeleteRegKey HKCU "Software\${APP}"
  System::Call 'shell32::SHChangeNotify(i 0x08000000, i 0, p 0, p 0)'
SectionEnd
